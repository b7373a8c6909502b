package carsight.receiver;

import carsight.streamer.http.TlsIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.X509TrustManager;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CertificatePinsTest {

    @TempDir
    Path dir;

    @Test
    void theFirstCertificateIsPinnedAndOnlyItIsTrustedAfterwards() throws Exception {
        X509Certificate streamer = TlsIdentity.loadOrCreate(dir.resolve("a")).certificate();
        X509Certificate impostor = TlsIdentity.loadOrCreate(dir.resolve("b")).certificate();
        CertificatePins pins = CertificatePins.inMemory();
        List<String> seen = new ArrayList<>();
        X509TrustManager trust = pins.trustManager("198.51.100.1:8080", (fp, first) -> seen.add(fp + " " + first));

        trust.checkServerTrusted(new X509Certificate[] {streamer}, "ECDHE_ECDSA");
        String fingerprint = CertificatePins.fingerprintOf(streamer.getEncoded());
        assertThat(pins.pinned("198.51.100.1:8080")).isEqualTo(fingerprint);
        trust.checkServerTrusted(new X509Certificate[] {streamer}, "ECDHE_ECDSA");
        assertThat(seen).containsExactly(fingerprint + " true", fingerprint + " false");

        assertThatThrownBy(() -> trust.checkServerTrusted(new X509Certificate[] {impostor}, "ECDHE_ECDSA"))
                .isInstanceOf(CertificateException.class)
                .hasMessageContaining("changed").hasMessageContaining(fingerprint)
                .hasMessageContaining("--fingerprint " + CertificatePins.fingerprintOf(impostor.getEncoded()));
        // another address has its own pin
        X509TrustManager other = pins.trustManager("203.0.113.9:8080", (fp, first) -> { });
        other.checkServerTrusted(new X509Certificate[] {impostor}, "ECDHE_ECDSA");
    }

    @Test
    void aFingerprintGivenBeforehandIsTheOnlyOneTrusted() throws Exception {
        X509Certificate streamer = TlsIdentity.loadOrCreate(dir.resolve("a")).certificate();
        X509Certificate impostor = TlsIdentity.loadOrCreate(dir.resolve("b")).certificate();
        CertificatePins pins = CertificatePins.inMemory();
        pins.pin("car1.local:8080", "sha-256 " + CertificatePins.fingerprintOf(streamer.getEncoded()).toLowerCase());
        X509TrustManager trust = pins.trustManager("car1.local:8080", (fp, first) -> assertThat(first).isFalse());
        trust.checkServerTrusted(new X509Certificate[] {streamer}, "ECDHE_ECDSA");
        assertThatThrownBy(() -> trust.checkServerTrusted(new X509Certificate[] {impostor}, "ECDHE_ECDSA"))
                .isInstanceOf(CertificateException.class);
    }

    @Test
    void fingerprintsAreReadInTheFormsPeopleCopyThem() {
        String canonical = "AB:".repeat(31) + "AB";
        assertThat(CertificatePins.normalize(canonical.toLowerCase())).isEqualTo(canonical);
        assertThat(CertificatePins.normalize("SHA256 " + "ab".repeat(32))).isEqualTo(canonical);
        assertThatThrownBy(() -> CertificatePins.normalize("AB:CD")).hasMessageContaining("64 hex digits");
    }
}
