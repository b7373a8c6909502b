package carsight.streamer.http;

import carsight.protocol.signal.SignalMessage;
import carsight.streamer.Streamer;
import carsight.streamer.camera.CameraSettings;
import carsight.streamer.camera.FileCamera;
import carsight.streamer.ice.IceConfig;
import carsight.streamer.session.StreamerSettings;
import jakarta.websocket.ClientEndpointConfig;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;
import org.glassfish.tyrus.client.SslEngineConfigurator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** HTTPS and WSS on the streamer's one port, with a generated certificate or an operator's keystore (loopback). */
class StreamerHttpsTest {

    @TempDir
    Path dir;

    @Test
    void theGeneratedCertificateIsMadeOnceAndKeptPrivate() throws Exception {
        TlsIdentity first = TlsIdentity.loadOrCreate(dir);
        Path file = dir.resolve("tls.p12");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(first.fingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        assertThat(TlsIdentity.loadOrCreate(dir).fingerprint()).as("the same certificate after a restart").isEqualTo(first.fingerprint());
        assertThat(TlsIdentity.fromKeystore(file, "carsight").fingerprint()).isEqualTo(first.fingerprint());
        assertThatThrownBy(() -> TlsIdentity.fromKeystore(file, "wrong")).isInstanceOf(IOException.class)
                .hasMessageContaining("--https-password");
        assertThatThrownBy(() -> TlsIdentity.fromKeystore(dir.resolve("missing.p12"), null)).isInstanceOf(IOException.class)
                .hasMessageContaining("--https-keystore");
    }

    @Test
    void pageHealthAndSignalingAnswerOverTlsOnly() throws Exception {
        TlsIdentity tls = TlsIdentity.loadOrCreate(dir);
        FileCamera camera = new FileCamera(Path.of("src/test/resources/h264/pi-car-720p30-high.h264"), 0);
        Streamer streamer = new Streamer(camera, new CameraSettings(1280, 720, 30, 4_000_000, 30),
                new StreamerSettings(8, 150, 0, 0, List.of(), tls.sslContext()), IceConfig.hostOnly(), "127.0.0.1", 0,
                TokenCheck.requiring(StreamerHttpServerTest.TOKEN));
        streamer.start(10_000);
        try {
            assertThat(streamer.secure()).isTrue();
            SSLContext trustingIt = trusting(tls);
            HttpClient https = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(trustingIt)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> health = https.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + streamer.port() + "/healthz")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);

            // a client that trusts the usual authorities refuses the self-signed certificate
            HttpClient ordinary = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
            assertThatThrownBy(() -> ordinary.send(HttpRequest.newBuilder(URI.create("https://localhost:" + streamer.port()
                    + "/healthz")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(SSLHandshakeException.class);
            // plain HTTP on the TLS port gets nothing useful
            HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
            assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + streamer.port()
                    + "/healthz")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(IOException.class);

            ClientManager client = ClientManager.createClient();
            SslEngineConfigurator ssl = new SslEngineConfigurator(trustingIt, true, false, false);
            ssl.setHostVerificationEnabled(false);
            client.getProperties().put(ClientProperties.SSL_ENGINE_CONFIGURATOR, ssl);
            StreamerHttpServerTest.Client ws = new StreamerHttpServerTest.Client();
            client.connectToServer(ws, ClientEndpointConfig.Builder.create().build(),
                    URI.create("wss://127.0.0.1:" + streamer.port() + "/signal?token=" + StreamerHttpServerTest.TOKEN));
            SignalMessage first = ws.next();
            while (first instanceof SignalMessage.IceServerInfo) {
                first = ws.next();
            }
            assertThat(first).isInstanceOf(SignalMessage.Hello.class);
            ws.close();
        } finally {
            streamer.close();
        }
    }

    static SSLContext trusting(TlsIdentity tls) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("streamer", tls.certificate());
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
