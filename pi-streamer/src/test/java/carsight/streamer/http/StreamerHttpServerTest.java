package carsight.streamer.http;

import carsight.protocol.signal.SignalCodec;
import carsight.protocol.signal.SignalMessage;
import carsight.streamer.Streamer;
import carsight.streamer.camera.CameraSettings;
import carsight.streamer.camera.FileCamera;
import carsight.streamer.ice.IceConfig;
import carsight.streamer.session.StreamerSettings;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import org.glassfish.tyrus.client.ClientManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The streamer's one port, on loopback: routes, token checks, CORS, and bad input on /whep and /signal. */
class StreamerHttpServerTest {

    static final String TOKEN = "loopback-test-token";
    static Streamer streamer;
    static String base;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    static final SignalCodec CODEC = new SignalCodec();

    @BeforeAll
    static void start() throws Exception {
        FileCamera camera = new FileCamera(Path.of("src/test/resources/h264/pi-car-720p30-high.h264"), 0);
        streamer = new Streamer(camera, new CameraSettings(1280, 720, 30, 4_000_000, 30), StreamerSettings.defaults(),
                IceConfig.hostOnly(), "127.0.0.1", 0, TokenCheck.requiring(TOKEN));
        streamer.start(10_000);
        base = "http://127.0.0.1:" + streamer.port();
    }

    @AfterAll
    static void stop() {
        if (streamer != null) {
            streamer.close();
        }
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void bindsThePortItReportsOnTheAddressAsked() {
        assertThat(streamer.port()).isPositive();
        assertThat(streamer.host()).isEqualTo("127.0.0.1");
    }

    @Test
    void healthAndMetricsDescribeTheCameraAndCounters() throws Exception {
        HttpResponse<String> health = send(HttpRequest.newBuilder(URI.create(base + "/healthz")));
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"state\":\"running\"", "\"profileLevelId\":\"640028\"", "\"viewers\":0");
        HttpResponse<String> metrics = send(HttpRequest.newBuilder(URI.create(base + "/metrics")));
        assertThat(metrics.body()).contains("# TYPE carsight_frames_in_total counter", "carsight_viewers 0");
        assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        assertThat(send(HttpRequest.newBuilder(URI.create(base + "/"))).body()).contains("carsight");
        assertThat(send(HttpRequest.newBuilder(URI.create(base + "/nothing-here"))).statusCode()).isEqualTo(404);
    }

    @Test
    void whepWithoutTheTokenGets401AndNothingElse() throws Exception {
        for (String auth : List.of("", "Bearer wrong-token", "Basic abc")) {
            HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + "/whep")).header("Content-Type", "application/sdp")
                    .POST(HttpRequest.BodyPublishers.ofString("v=0\r\n"));
            if (!auth.isEmpty()) {
                r.header("Authorization", auth);
            }
            HttpResponse<String> response = send(r);
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.body()).isEmpty();
            assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        }
    }

    @Test
    void whepRefusesWhatItCannotUseWithAReason() throws Exception {
        HttpRequest.Builder wrongType = HttpRequest.newBuilder(URI.create(base + "/whep")).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("v=0"));
        assertThat(send(wrongType).statusCode()).isEqualTo(415);

        HttpRequest.Builder huge = HttpRequest.newBuilder(URI.create(base + "/whep")).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/sdp").POST(HttpRequest.BodyPublishers.ofString("a".repeat(40_000)));
        assertThat(send(huge).statusCode()).isEqualTo(413);

        HttpRequest.Builder garbage = HttpRequest.newBuilder(URI.create(base + "/whep")).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/sdp").POST(HttpRequest.BodyPublishers.ofString("\u0000\u0001 not sdp at all"));
        HttpResponse<String> refused = send(garbage);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("not valid SDP");

        HttpRequest.Builder audioOnly = HttpRequest.newBuilder(URI.create(base + "/whep")).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/sdp").POST(HttpRequest.BodyPublishers.ofString(
                        "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"));
        HttpResponse<String> noVideo = send(audioOnly);
        assertThat(noVideo.statusCode()).isEqualTo(400);
        assertThat(noVideo.body()).contains("no video");

        assertThat(send(HttpRequest.newBuilder(URI.create(base + "/whep/unknown")).header("Authorization", "Bearer " + TOKEN)
                .DELETE()).statusCode()).isEqualTo(404);
    }

    @Test
    void whepAllowsBrowsersFromOtherOrigins() throws Exception {
        HttpResponse<String> preflight = send(HttpRequest.newBuilder(URI.create(base + "/whep"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "http://198.51.100.9")
                .header("Access-Control-Request-Method", "POST"));
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("")).contains("Authorization");
        assertThat(preflight.headers().firstValue("Access-Control-Expose-Headers").orElse("")).contains("Location");
    }

    /** A WebSocket client that collects what it receives. */
    static final class Client extends Endpoint {
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
        Session session;

        static Client connect(String query) throws Exception {
            return connect(streamer.port(), query, null);
        }

        /** Connects to /signal on loopback; {@code origin} null sends no Origin header, as native clients may. */
        static Client connect(int port, String query, String origin) throws Exception {
            Client client = new Client();
            ClientEndpointConfig config = ClientEndpointConfig.Builder.create().configurator(new ClientEndpointConfig.Configurator() {
                @Override
                public void beforeRequest(java.util.Map<String, List<String>> headers) {
                    headers.keySet().removeIf(k -> k.equalsIgnoreCase("Origin"));
                    if (origin != null) {
                        headers.put("Origin", List.of(origin));
                    }
                }
            }).build();
            // a client manager per connection, as the console's SignalClient has: with one shared container, a
            // connection made just as the previous one closed could meet the container's timer already shut down
            // (RejectedExecutionException in Tyrus, "Handshake response not received" after 30 s)
            ClientManager.createClient().connectToServer(client, config,
                    URI.create("ws://127.0.0.1:" + port + "/signal" + query));
            return client;
        }

        void close() {
            try {
                if (session != null && session.isOpen()) {
                    session.close();
                }
            } catch (Exception ignored) {
                // gone
            }
        }

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            this.session = session;
            session.setMaxTextMessageBufferSize(1 << 20);
            session.addMessageHandler(String.class, (MessageHandler.Whole<String>) received::add);
        }

        @Override
        public void onClose(Session session, CloseReason reason) {
            closed.complete(reason);
        }

        SignalMessage next() throws Exception {
            String text = received.poll(10, TimeUnit.SECONDS);
            assertThat(text).as("a message within 10 s").isNotNull();
            return CODEC.decode(text);
        }

        void send(String text) throws Exception {
            session.getBasicRemote().sendText(text);
        }
    }

    @Test
    void signalWithTheTokenInTheUrlSaysHelloAndDescribesTheStream() throws Exception {
        Client client = Client.connect("?token=" + TOKEN);
        assertThat(client.next()).isInstanceOf(SignalMessage.Hello.class);
        assertThat(client.next()).isInstanceOfSatisfying(SignalMessage.StreamInfo.class, s -> {
            assertThat(s.width()).isEqualTo(1280);
            assertThat(s.profileLevelId()).isEqualTo("640028");
        });
        client.send(CODEC.encode(new SignalMessage.Ping(1, 1000)));
        assertThat(client.next()).isInstanceOfSatisfying(SignalMessage.Pong.class, p -> {
            assertThat(p.clientTimeMicros()).isEqualTo(1000);
            assertThat(p.serverSendMicros()).isGreaterThanOrEqualTo(p.serverReceiveMicros());
        });
        client.session.close();
    }

    @Test
    void signalAcceptsTheTokenInTheFirstMessage() throws Exception {
        Client client = Client.connect("");
        client.send(CODEC.encode(SignalMessage.Hello.viewer(TOKEN, "test")));
        assertThat(client.next()).isInstanceOf(SignalMessage.Hello.class);
        client.session.close();
    }

    @Test
    void aBadTokenClosesTheSocketWithPolicyViolation() throws Exception {
        Client byUrl = Client.connect("?token=nope-nope-nope");
        assertThat(byUrl.closed.get(10, TimeUnit.SECONDS).getCloseCode().getCode()).isEqualTo(1008);
        assertThat(byUrl.received).isEmpty();

        Client byMessage = Client.connect("");
        byMessage.send("{\"type\":\"hello\",\"version\":1,\"role\":\"viewer\",\"token\":\"guess\"}");
        assertThat(byMessage.closed.get(10, TimeUnit.SECONDS).getCloseCode().getCode()).isEqualTo(1008);
        assertThat(byMessage.received).isEmpty();
    }

    @Test
    void garbageOnSignalGetsAnErrorAndTheConnectionLivesOn() throws Exception {
        Client client = Client.connect("?token=" + TOKEN);
        client.next();
        client.next();
        for (String junk : List.of("not json", "{\"type\":\"warp\"}", "{\"type\":\"offer\",\"sdp\":42}", "[]",
                "{\"type\":\"offer\",\"sdp\":\"v=0\\r\\nthis is not sdp\"}", "{\"type\":\"candidate\",\"candidate\":\"candidate:x\"}")) {
            client.send(junk);
            assertThat(client.next()).as(junk).isInstanceOf(SignalMessage.ErrorMessage.class);
        }
        client.send(CODEC.encode(new SignalMessage.Ping(2, 5)));
        assertThat(client.next()).isInstanceOf(SignalMessage.Pong.class);
        assertThat(send(HttpRequest.newBuilder(URI.create(base + "/metrics"))).body()).contains("carsight_signal_errors_total");
        client.session.close();
    }

    @Test
    void oversizeMessagesAreRefusedAndFloodsEndOnlyTheirOwnConnection() throws Exception {
        Client bystander = Client.connect("?token=" + TOKEN);
        bystander.next();
        bystander.next();
        Client sender = Client.connect("?token=" + TOKEN);
        sender.next();
        sender.next();
        sender.send("{\"type\":\"offer\",\"sdp\":\"" + "x".repeat(100_000) + "\"}");
        assertThat(sender.next()).isInstanceOfSatisfying(SignalMessage.ErrorMessage.class,
                e -> assertThat(e.code()).isEqualTo("too-large"));
        sender.send(CODEC.encode(new SignalMessage.Ping(4, 5)));
        assertThat(sender.next()).isInstanceOf(SignalMessage.Pong.class);

        sender.send("x".repeat(2_000_000)); // past what the server buffers at all: the connection is closed
        assertThat(sender.closed.get(10, TimeUnit.SECONDS).getCloseCode().getCode()).isIn(1009, 1011);

        bystander.send(CODEC.encode(new SignalMessage.Ping(3, 5)));
        assertThat(bystander.next()).isInstanceOf(SignalMessage.Pong.class);
        bystander.session.close();
    }
}
