package carsight.streamer.http;

import carsight.streamer.dtls.DtlsIdentity;
import carsight.streamer.dtls.SelfSigned;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.operator.OperatorCreationException;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The certificate the streamer's port presents for HTTPS and WSS: from an operator's PKCS#12 keystore, or generated
 * once (ECDSA P-256, self-signed, ten years) and kept in the state directory readable by the streamer only. Viewers
 * recognise a self-signed streamer by its SHA-256 fingerprint: the console pins it on first use.
 */
public final class TlsIdentity {

    /** The generated keystore's password: the file's permissions protect it, as for an ssh host key. */
    private static final char[] GENERATED_PASSWORD = "carsight".toCharArray();
    private static final String ALIAS = "carsight";

    private final SSLContext context;
    private final String fingerprint;
    private final String source;
    private final X509Certificate certificate;

    private TlsIdentity(KeyStore store, char[] password, String source) throws GeneralSecurityException {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        this.context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, new SecureRandom());
        Certificate leaf = null;
        for (String alias : Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias)) {
                leaf = store.getCertificate(alias);
                break;
            }
        }
        if (leaf == null) {
            throw new GeneralSecurityException("the keystore holds no private key with a certificate");
        }
        this.fingerprint = fingerprintOf(leaf.getEncoded());
        this.certificate = (X509Certificate) leaf;
        this.source = source;
    }

    /** An operator's PKCS#12 keystore (certificate chain and private key). */
    public static TlsIdentity fromKeystore(Path file, String password) throws IOException {
        char[] pw = password == null ? new char[0] : password.toCharArray();
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, pw);
            return new TlsIdentity(store, pw, file.toString());
        } catch (GeneralSecurityException | IOException e) {
            throw new IOException("--https-keystore " + file + ": cannot use it (" + e.getMessage()
                    + ") — a PKCS#12 file with the certificate and its key, and --https-password if it has one", e);
        }
    }

    /** The generated identity in {@code stateDirectory/tls.p12}, made on first use. */
    public static TlsIdentity loadOrCreate(Path stateDirectory) throws IOException {
        Path file = stateDirectory.resolve("tls.p12");
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            if (Files.isRegularFile(file)) {
                try (InputStream in = Files.newInputStream(file)) {
                    store.load(in, GENERATED_PASSWORD);
                }
                return new TlsIdentity(store, GENERATED_PASSWORD, file + " (generated)");
            }
            store.load(null, null);
            KeyPair keys = SelfSigned.newKey();
            store.setKeyEntry(ALIAS, keys.getPrivate(), GENERATED_PASSWORD, new Certificate[] {selfSigned(keys)});
            Files.createDirectories(stateDirectory);
            Path temp = Files.createTempFile(stateDirectory, "tls", ".tmp");
            try {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the directory's permissions must do
            }
            try (OutputStream out = Files.newOutputStream(temp)) {
                store.store(out, GENERATED_PASSWORD);
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new TlsIdentity(store, GENERATED_PASSWORD, file + " (generated now)");
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot make or read the TLS certificate in " + file + ": " + e.getMessage(), e);
        }
    }

    private static X509Certificate selfSigned(KeyPair keys) throws GeneralSecurityException, OperatorCreationException, IOException {
        String host = "carsight";
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            // no name: the fingerprint is what viewers check anyway
        }
        List<GeneralName> names = new ArrayList<>(List.of(new GeneralName(GeneralName.dNSName, "localhost")));
        if (host.matches("[A-Za-z0-9.-]+")) {
            names.add(new GeneralName(GeneralName.dNSName, host));
            if (!host.contains(".")) {
                names.add(new GeneralName(GeneralName.dNSName, host + ".local"));
            }
        }
        X509CertificateHolder holder = SelfSigned.certificate(keys, "carsight streamer " + host.replaceAll("[^A-Za-z0-9.-]", ""),
                Duration.ofDays(3650), new GeneralNames(names.toArray(GeneralName[]::new)));
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    public SSLContext sslContext() {
        return context;
    }

    /** SHA-256 of the certificate, uppercase hex pairs joined by colons. */
    public String fingerprint() {
        return fingerprint;
    }

    /** The certificate viewers see (for a client that trusts exactly it). */
    public X509Certificate certificate() {
        return certificate;
    }

    public String source() {
        return source;
    }

    /** SHA-256 of a DER certificate, uppercase hex pairs joined by colons (the SDP fingerprint without its prefix). */
    public static String fingerprintOf(byte[] der) {
        return carsight.protocol.tls.CertificateFingerprint.sha256(der);
    }
}
