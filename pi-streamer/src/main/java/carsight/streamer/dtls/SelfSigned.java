package carsight.streamer.dtls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * ECDSA P-256 keys and self-signed certificates, for DTLS (viewers check the fingerprint in the SDP) and for the
 * generated HTTPS identity (the console pins the fingerprint). Valid from a day ago, for clocks that are behind.
 */
public final class SelfSigned {

    private static final SecureRandom RANDOM = new SecureRandom();

    private SelfSigned() {
    }

    public static KeyPair newKey() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    /**
     * A certificate for {@code keys} signed by itself, named {@code CN=commonName}, valid for {@code validity}.
     *
     * @param alternativeNames subject alternative names, or null for none
     */
    public static X509CertificateHolder certificate(KeyPair keys, String commonName, Duration validity,
                                                    GeneralNames alternativeNames)
            throws OperatorCreationException, IOException {
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=" + commonName);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                new BigInteger(64, RANDOM).abs().add(BigInteger.ONE), Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(validity)), name, keys.getPublic());
        if (alternativeNames != null) {
            builder.addExtension(Extension.subjectAlternativeName, false, alternativeNames);
        }
        return builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
    }
}
