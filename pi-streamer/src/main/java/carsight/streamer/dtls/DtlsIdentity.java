package carsight.streamer.dtls;

import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.operator.OperatorCreationException;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Locale;

/**
 * The streamer's DTLS identity: an ECDSA P-256 key and a self-signed certificate, made once at start. Viewers learn
 * it from the SHA-256 fingerprint in our SDP answer, so no certificate authority is involved.
 */
public final class DtlsIdentity {

    private final byte[] certificateDer;
    private final AsymmetricKeyParameter privateKey;
    private final String fingerprint;

    private DtlsIdentity(byte[] certificateDer, AsymmetricKeyParameter privateKey) {
        this.certificateDer = certificateDer;
        this.privateKey = privateKey;
        this.fingerprint = fingerprintOf(certificateDer);
    }

    /** A fresh key and certificate valid from a day ago (clock skew) for a year. */
    public static DtlsIdentity generate(String commonName) {
        try {
            KeyPair keys = SelfSigned.newKey();
            X509CertificateHolder holder = SelfSigned.certificate(keys, commonName, Duration.ofDays(365), null);
            return new DtlsIdentity(holder.getEncoded(), PrivateKeyFactory.createKey(keys.getPrivate().getEncoded()));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot create the DTLS identity (ECDSA P-256): " + e.getMessage(), e);
        }
    }

    public byte[] certificateDer() {
        return certificateDer.clone();
    }

    AsymmetricKeyParameter privateKey() {
        return privateKey;
    }

    /** The SDP form, e.g. {@code sha-256 AB:CD:…}. */
    public String fingerprint() {
        return fingerprint;
    }

    /** SHA-256 of a DER certificate as uppercase colon-separated hex, prefixed by {@code sha-256 }. */
    public static String fingerprintOf(byte[] der) {
        return "sha-256 " + carsight.protocol.tls.CertificateFingerprint.sha256(der);
    }

    /** Compares two SDP fingerprints, ignoring case of the hex and the algorithm name. */
    public static boolean sameFingerprint(String a, String b) {
        return a != null && b != null && a.trim().toLowerCase(Locale.ROOT).equals(b.trim().toLowerCase(Locale.ROOT));
    }
}
