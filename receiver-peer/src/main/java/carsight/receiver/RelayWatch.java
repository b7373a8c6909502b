package carsight.receiver;

import carsight.protocol.relay.JanusSession;
import carsight.protocol.relay.RelayAddress;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Watching a car through a relay: a Janus session with the streaming plugin's {@code watch} of the car's mountpoint,
 * Janus's offer answered by a {@link ReceiverPeer} made with {@link ReceiverPeer.Options#answering}, {@code start},
 * and playout delay 0 asked for the video. Then a thread holds the session with Janus's long poll and reports when
 * the watch ends (Janus hung up, the mountpoint went, Janus is unreachable) — once, to {@code onEnded}.
 */
public final class RelayWatch implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RelayWatch.class.getName());
    /**
     * How long Janus may take to offer, and then the peer to answer: together within the link supervisor's first
     * connection limit, so a watch that hangs fails before the attempt is given up.
     */
    public static final long OFFER_SECONDS = 6;

    private final JanusSession session;
    private final long handle;
    private String offer;
    private String answer;
    private final Thread poller;
    private volatile boolean closed;

    private RelayWatch(JanusSession session, long handle, Consumer<String> onEnded) {
        this.session = session;
        this.handle = handle;
        this.poller = new Thread(() -> holdOpen(onEnded), "relay-watch");
        this.poller.setDaemon(true);
    }

    /**
     * Watches {@code address}: returns once Janus has the answer and was told to start.
     *
     * @throws IOException saying which step failed (no session, no such mountpoint, no offer, the answer refused)
     */
    public static RelayWatch open(JanusSession.Transport transport, RelayAddress address, ReceiverPeer peer,
                                  Consumer<String> onEnded) throws IOException {
        JanusSession session = JanusSession.create(transport, null);
        try {
            long handle = session.attach("janus.plugin.streaming");
            ObjectNode watch = JanusSession.body("watch");
            watch.put("id", address.mountpoint());
            session.send(handle, watch, null, null);
            String offer = awaitOffer(session, address);
            String answer;
            try {
                answer = peer.answer(offer).get(OFFER_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("cannot answer the relay's offer: " + (e.getCause() == null ? "no answer in "
                        + OFFER_SECONDS + " s" : e.getCause().getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
            session.send(handle, JanusSession.body("start"), "answer", answer);
            ObjectNode configure = JanusSession.body("configure");
            configure.put("mid", "v");
            configure.put("min_delay", 0);
            configure.put("max_delay", 0);
            session.send(handle, configure, null, null);
            RelayWatch relayWatch = new RelayWatch(session, handle, onEnded);
            relayWatch.offer = offer;
            relayWatch.answer = answer;
            relayWatch.poller.start();
            return relayWatch;
        } catch (IOException | RuntimeException e) {
            boolean interrupted = Thread.interrupted(); // the HTTP client would refuse at once while it is set
            try {
                session.destroy();
            } catch (IOException ignored) {
                // the session goes with Janus's timeout
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            throw e;
        }
    }

    private static String awaitOffer(JanusSession session, RelayAddress address) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(OFFER_SECONDS);
        while (System.nanoTime() < deadline) {
            for (JsonNode event : session.poll()) {
                if (event.path("janus").asText().equals("event")) {
                    try {
                        JanusSession.pluginData(event);
                    } catch (JanusSession.JanusException e) {
                        throw new IOException((e.code() == JanusSession.NO_SUCH_MOUNTPOINT
                                ? "the relay has no mountpoint " + address.mountpoint() + " (is the car publishing?)"
                                : "the relay refused to show mountpoint " + address.mountpoint()) + ": " + e.getMessage());
                    }
                    JsonNode jsep = event.path("jsep");
                    if (jsep.path("type").asText().equals("offer")) {
                        return jsep.path("sdp").asText();
                    }
                }
            }
        }
        throw new IOException("the relay made no offer for mountpoint " + address.mountpoint() + " in " + OFFER_SECONDS
                + " s");
    }

    private void holdOpen(Consumer<String> onEnded) {
        String reason = null;
        try {
            while (!closed && reason == null) {
                for (JsonNode event : session.poll()) {
                    String kind = event.path("janus").asText();
                    if (kind.equals("hangup")) {
                        reason = "the relay hung up (" + event.path("reason").asText("no reason") + ")";
                    } else if (kind.equals("detached")) {
                        reason = "the relay detached the watch";
                    } else if (kind.equals("event")) {
                        JsonNode data = event.path("plugindata").path("data");
                        String status = data.path("result").path("status").asText("");
                        if (status.equals("stopped")) {
                            reason = "the relay stopped the stream (the car's mountpoint went)";
                        } else if (data.has("error_code")) {
                            LOG.log(System.Logger.Level.WARNING, "relay: {0}", data.path("error").asText());
                        } else {
                            LOG.log(System.Logger.Level.DEBUG, "relay event: {0}", data);
                        }
                    }
                }
            }
        } catch (IOException e) {
            reason = "lost the relay: " + e.getMessage();
        }
        if (!closed) {
            onEnded.accept(reason);
        }
    }

    /** The relay's offer and our answer, for a report when something does not work. */
    public String describe() {
        return "offer:\n" + offer + "\nanswer:\n" + answer;
    }

    /** Ends the watch and the session (best effort: Janus forgets it by itself after its session timeout). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        poller.interrupt();
        try {
            session.destroy();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "relay: ending the session: {0}", e.getMessage());
        }
    }
}
