package carsight.receiver;

import carsight.protocol.signal.SignalCodec;
import carsight.protocol.signal.SignalFormatException;
import carsight.protocol.signal.SignalMessage;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;
import org.glassfish.tyrus.client.SslEngineConfigurator;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;

/**
 * A viewer's {@code /signal} socket to a streamer (Tyrus): {@code ws://} or {@code wss://} with the streamer's
 * certificate pinned, the token in the query, messages decoded and encoded with the shared {@link SignalCodec}.
 *
 * <p>It keeps the one ordering rule of the protocol a receiver must keep: ICE candidates follow the offer they belong
 * to (the streamer refuses a candidate before an offer), so candidates gathered while an offer is being made are held
 * and sent right after it, in their order.
 */
public final class SignalClient implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(SignalClient.class.getName());

    /** What the socket reports, on Tyrus' threads. */
    public interface Handler {
        /** The socket is open: the streamer sends its ICE servers and {@code hello} next. */
        default void onOpen() {
        }

        void onMessage(SignalMessage message, long receivedMicros);

        /** The socket closed ({@code 1008}: the token was refused) or failed ({@code code} -1); called at most once. */
        void onClosed(int code, String reason);
    }

    private final SignalCodec codec = new SignalCodec();
    private final List<SignalMessage.Candidate> held = new ArrayList<>();
    private boolean holding = true;
    private volatile Session session;
    private volatile boolean ended;
    private final Handler handler;
    private Future<Session> opening;

    private SignalClient(Handler handler) {
        this.handler = handler;
    }

    /** The {@code ws(s)://host:port/signal?token=…} address for a streamer's page address. */
    public static URI signalAddress(URI streamer, String token) {
        boolean tls = "https".equals(streamer.getScheme());
        int port = streamer.getPort() < 0 ? (tls ? 443 : 80) : streamer.getPort();
        return URI.create((tls ? "wss" : "ws") + "://" + streamer.getHost() + ":" + port + "/signal"
                + (token == null || token.isEmpty() ? "" : "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)));
    }

    /**
     * Starts opening the socket; {@link #openFailure()} tells whether it could not open, {@link Handler#onOpen} that
     * it did. For {@code https://} the certificate is checked against {@code pins} (pinned on first use), and
     * {@code onCertificate} hears the fingerprint and whether it was pinned just now.
     */
    public static SignalClient open(URI streamer, String token, CertificatePins pins,
                                    BiConsumer<String, Boolean> onCertificate, Handler handler) throws Exception {
        SignalClient client = new SignalClient(handler);
        ClientManager tyrus = ClientManager.createClient();
        tyrus.getProperties().put("org.glassfish.tyrus.client.sharedContainerTimeout", 5);
        if ("https".equals(streamer.getScheme())) {
            String address = streamer.getHost() + ":" + (streamer.getPort() < 0 ? 443 : streamer.getPort());
            SslEngineConfigurator tls = new SslEngineConfigurator(pins.contextFor(address, onCertificate), true, false, false);
            tls.setHostVerificationEnabled(false); // the pinned fingerprint is the check, not the name
            tyrus.getProperties().put(ClientProperties.SSL_ENGINE_CONFIGURATOR, tls);
        }
        client.opening = tyrus.asyncConnectToServer(client.endpoint(), ClientEndpointConfig.Builder.create().build(),
                signalAddress(streamer, token));
        return client;
    }

    private Endpoint endpoint() {
        return new Endpoint() {
            @Override
            public void onOpen(Session s, EndpointConfig config) {
                s.setMaxTextMessageBufferSize(SignalCodec.MAX_BYTES);
                s.addMessageHandler(String.class, (MessageHandler.Whole<String>) SignalClient.this::onText);
                session = s;
                handler.onOpen();
            }

            @Override
            public void onClose(Session s, CloseReason reason) {
                ended(reason.getCloseCode().getCode(), reason.getReasonPhrase());
            }

            @Override
            public void onError(Session s, Throwable error) {
                ended(-1, String.valueOf(error.getMessage()));
            }
        };
    }

    private void onText(String text) {
        long received = carsight.protocol.clock.WallClock.nowMicros();
        try {
            handler.onMessage(codec.decode(text), received);
        } catch (SignalFormatException e) {
            LOG.log(System.Logger.Level.WARNING, "signal: ignoring a bad message: {0}", e.getMessage());
        }
    }

    private void ended(int code, String reason) {
        if (!ended) {
            ended = true;
            handler.onClosed(code, reason);
        }
    }

    public boolean isOpen() {
        Session s = session;
        return s != null && s.isOpen();
    }

    /**
     * Why the socket could not open (refused, unreachable, TLS refused), once that is known; null while it is still
     * opening or once it is open.
     */
    public String openFailure() {
        if (session != null || opening == null || !opening.isDone()) {
            return null;
        }
        try {
            opening.get();
            return null;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            return String.valueOf(cause.getMessage());
        } catch (InterruptedException | java.util.concurrent.CancellationException e) {
            return "cancelled";
        }
    }

    /** Sends a message (not an offer or a candidate: see {@link #offer} and {@link #candidate}); dropped if closed. */
    public void send(SignalMessage message) {
        Session s = session;
        if (s == null || !s.isOpen() || ended) {
            return;
        }
        try {
            s.getAsyncRemote().sendText(codec.encode(message));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "signal send failed: {0}", e.toString());
        }
    }

    /** An offer is being made: candidates gathered from now on wait for it. */
    public synchronized void holdCandidates() {
        holding = true;
    }

    /** A local ICE candidate: sent now, or after the offer being made. */
    public synchronized void candidate(SignalMessage.Candidate candidate) {
        if (holding) {
            held.add(candidate);
        } else {
            send(candidate);
        }
    }

    /** Sends the offer, then the candidates gathered meanwhile, in their order. */
    public synchronized void offer(SignalMessage.Offer offer) {
        send(offer);
        held.forEach(this::send);
        held.clear();
        holding = false;
    }

    /** Closes the socket (no {@link Handler#onClosed} follows) or stops it from opening. */
    @Override
    public void close() {
        ended = true;
        Future<Session> o = opening;
        if (o != null && !o.isDone()) {
            o.cancel(true);
        }
        Session s = session;
        try {
            if (s != null && s.isOpen()) {
                s.close();
            }
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "signal close: {0}", e.toString());
        }
    }
}
