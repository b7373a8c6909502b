package carsight.receiver;

import carsight.protocol.signal.SignalCodec;
import carsight.protocol.signal.SignalMessage;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import org.glassfish.tyrus.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The client against a real WebSocket endpoint on loopback: what reaches the streamer, in which order. */
class SignalClientTest {

    static final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    static volatile String query;

    /** Records what it is sent; closes with 1008 when the token is "wrong", greets otherwise. */
    @ServerEndpoint("/signal")
    public static class Recorder {
        @OnOpen
        public void open(Session session) throws Exception {
            query = session.getQueryString();
            if (query != null && query.contains("token=wrong")) {
                session.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "unauthorized"));
                return;
            }
            session.getBasicRemote().sendText(new SignalCodec().encode(new SignalMessage.Bye("hello there")));
        }

        @OnMessage
        public void message(String text) {
            received.add(text);
        }
    }

    private Server server;
    private int port;
    private final SignalCodec codec = new SignalCodec();
    private final List<SignalMessage> heard = new CopyOnWriteArrayList<>();
    private final List<String> closed = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        received.clear();
        server = new Server("127.0.0.1", port, "/", Map.of(), Recorder.class);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private SignalClient open(String token) throws Exception {
        return SignalClient.open(URI.create("http://127.0.0.1:" + port), token, CertificatePins.inMemory(), (f, first) -> {
        }, new SignalClient.Handler() {
            @Override
            public void onMessage(SignalMessage message, long receivedMicros) {
                heard.add(message);
            }

            @Override
            public void onClosed(int code, String reason) {
                closed.add(code + " " + reason);
            }
        });
    }

    private SignalMessage next() throws Exception {
        String text = received.poll(5, TimeUnit.SECONDS);
        assertThat(text).as("a message reached the endpoint").isNotNull();
        return codec.decode(text);
    }

    private static SignalMessage.Candidate candidate(int n) {
        return new SignalMessage.Candidate("candidate:" + n + " 1 udp 2122260223 198.51.100.2 5000" + n + " typ host", "0", 0);
    }

    @Test
    void candidatesGatheredWhileTheOfferIsMadeFollowItInTheirOrder() throws Exception {
        try (SignalClient client = open("secret token")) {
            await().atMost(Duration.ofSeconds(5)).until(client::isOpen);
            assertThat(query).as("the token travels URL-encoded").isEqualTo("token=secret+token");
            await().atMost(Duration.ofSeconds(5)).until(() -> !heard.isEmpty());
            assertThat(heard.get(0)).isEqualTo(new SignalMessage.Bye("hello there"));

            client.candidate(candidate(1));
            client.candidate(candidate(2));
            client.offer(new SignalMessage.Offer("v=0\r\n"));
            client.candidate(candidate(3));
            assertThat(List.of(next(), next(), next(), next())).containsExactly(new SignalMessage.Offer("v=0\r\n"),
                    candidate(1), candidate(2), candidate(3));

            // an ICE restart: the candidates wait for the new offer again
            client.holdCandidates();
            client.candidate(candidate(4));
            client.offer(new SignalMessage.Offer("v=0\r\ns=restart\r\n"));
            assertThat(List.of(next(), next())).containsExactly(new SignalMessage.Offer("v=0\r\ns=restart\r\n"), candidate(4));
        }
        assertThat(closed).as("closing it ourselves is not reported as a loss").isEmpty();
    }

    @Test
    void aRefusedTokenClosesWith1008() throws Exception {
        try (SignalClient client = open("wrong")) {
            await().atMost(Duration.ofSeconds(5)).until(() -> !closed.isEmpty());
            assertThat(closed).containsExactly("1008 unauthorized");
            assertThat(client.isOpen()).isFalse();
        }
    }

    @Test
    void aStreamerThatIsNotThereIsNamedAsSuch() throws Exception {
        server.stop();
        try (SignalClient client = open("t")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> client.openFailure() != null);
            assertThat(client.openFailure()).isNotBlank();
            assertThat(client.isOpen()).isFalse();
        }
    }
}
