package carsight.streamer.session;

import carsight.protocol.clock.WallClock;
import carsight.protocol.relay.JanusSession;
import carsight.protocol.relay.RelayAddress;
import carsight.protocol.signal.SignalCodec;
import carsight.protocol.signal.SignalMessage;
import carsight.streamer.camera.EncodedFrame;
import carsight.streamer.srtp.SrtpContext;
import carsight.streamer.srtp.SrtpKeys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;

/**
 * The car's stream published once to a relay ({@code --relay}): a Janus streaming-plugin mountpoint the streamer
 * creates through Janus's HTTP API, fed with the viewers' H.264 packetization as SRTP (AES_CM_128_HMAC_SHA1_80, a
 * fresh key per mountpoint, given to Janus in the create request the way SDES does), and the per-frame times
 * ({@code frame} messages, and the {@code stream} description every second) as UDP datagrams into the mountpoint's data
 * channel, so every viewer's meter works through the relay. Everything leaves the car outbound: no port on it needs to
 * be reachable.
 *
 * <p>The link keeps a Janus session open with its long poll. When Janus says the session or the mountpoint is gone (it
 * restarted, someone destroyed the mountpoint), or polls keep failing for {@value #POLL_RETRY_SECONDS} s after the first
 * failure (the relay or the car's path went away), the stream stops going out and the link builds session and mountpoint again, retrying
 * every 1–5 s, and says so in the log and {@code /metrics}. A mountpoint left by an earlier run of this car (same id)
 * is destroyed with its secret and made again. The car's address may change at any time: Janus takes the packets from
 * wherever they come, and a broken poll is simply made again from the new address.
 */
public final class RelayPublisher implements AutoCloseable {

    public static final int PAYLOAD_TYPE = 96;
    static final String VIDEO_MID = "v";
    static final String DATA_MID = "d";
    /** Seconds a failing poll is retried (once a second) before the link counts as lost. */
    static final int POLL_RETRY_SECONDS = 8;

    private static final System.Logger LOG = System.getLogger(RelayPublisher.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Where the stream goes now, with the key Janus was given for it. */
    private record Target(InetSocketAddress video, InetSocketAddress data, SrtpContext srtp) {
    }

    private final StreamerContext context;
    private final RelayAddress address;
    private final String adminKey;
    private final String secret;
    private final JanusSession.Transport transport;
    private final DatagramChannel channel;
    private final FrameQueue queue = new FrameQueue(30);
    private final PlainRtpStream stream = new PlainRtpStream(PAYLOAD_TYPE);
    private final SignalCodec codec = new SignalCodec();
    private final Thread sender;
    private final Thread link;
    private long lastStreamInfoNanos;
    private volatile Target target;
    private volatile JanusSession session;
    private volatile long handle;
    private volatile boolean closed;
    private volatile String lastSendError;
    /** When the session's poll began to fail (0: it does not), for how long the relay was away. */
    private long failingSinceNanos;
    /** When the current mountpoint began to be fed (an immediate retry only after a link that lasted). */
    private long upSinceNanos;

    private RelayPublisher(StreamerContext context, RelayAddress address, String adminKey, String secret,
                           JanusSession.Transport transport) throws IOException {
        this.context = context;
        this.address = address;
        this.adminKey = adminKey;
        this.secret = secret;
        this.transport = transport;
        this.channel = DatagramChannel.open(); // not connected: the relay's ports change when Janus restarts
        this.sender = new Thread(this::sendLoop, "relay-send");
        this.sender.setDaemon(true);
        this.link = new Thread(this::linkLoop, "relay-link");
        this.link.setDaemon(true);
    }

    /**
     * Starts publishing: the link to Janus is made in the background (and made again whenever it is lost), frames
     * flow to the mountpoint whenever there is one.
     *
     * @param adminKey the streaming plugin's {@code admin_key} when the relay requires one to create mountpoints
     * @param secret   the mountpoint's secret (to destroy and re-create it later); kept on the car
     */
    public static RelayPublisher start(StreamerContext context, RelayAddress address, String adminKey, String secret,
                                       JanusSession.Transport transport) throws IOException {
        RelayPublisher publisher = new RelayPublisher(context, address, adminKey, secret, transport);
        context.metrics().relayConfigured();
        publisher.link.start();
        publisher.sender.start();
        context.fanout().subscribe(publisher.queue);
        return publisher;
    }

    private void linkLoop() {
        long backoff = 1000;
        long downSinceNanos = System.nanoTime();
        boolean everUp = false;
        String lastReason = null;
        while (!closed) {
            try {
                Target t = connect();
                if (closed) {
                    return; // close() takes the mountpoint down with this session, which connect() just set
                }
                target = t;
                upSinceNanos = System.nanoTime();
                context.metrics().relayUp(true);
                double downFor = (System.nanoTime() - downSinceNanos) / 1e9;
                LOG.log(System.Logger.Level.INFO, "relay: publishing to {0}{1}: video SRTP → {2}, frame times → {3}",
                        address, everUp ? String.format(Locale.ROOT, " again after %.1f s", downFor) : "",
                        t.video(), t.data());
                if (everUp) {
                    context.metrics().relayReconnected();
                }
                everUp = true;
                lastReason = null;
                backoff = 1000;
                watch();
            } catch (IOException | RuntimeException e) {
                if (closed) {
                    return;
                }
                boolean wasUp = target != null;
                target = null;
                context.metrics().relayUp(false);
                if (wasUp) {
                    downSinceNanos = failingSinceNanos != 0 ? failingSinceNanos : System.nanoTime();
                }
                failingSinceNanos = 0;
                String reason = String.valueOf(e.getMessage());
                if (wasUp || !reason.equals(lastReason)) { // once per kind of failure, not every retry
                    LOG.log(System.Logger.Level.WARNING, "relay: {0} {1}: {2}; trying again every few seconds",
                            wasUp ? "lost the link to" : "cannot publish to", address, reason);
                }
                lastReason = reason;
                if (wasUp && e instanceof JanusSession.JanusException
                        && System.nanoTime() - upSinceNanos > 5_000_000_000L) {
                    continue; // Janus answered (it restarted and forgot us): make the mountpoint again at once
                }
                sleep(backoff);
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }

    /** Session, plugin handle and mountpoint: where to send and with which key. */
    private Target connect() throws IOException {
        JanusSession old = session;
        if (old != null) {
            session = null;
            try {
                old.destroy();
            } catch (IOException e) {
                // it is gone already (Janus restarted): nothing to tidy
            }
        }
        JanusSession s = JanusSession.create(transport, null);
        session = s;
        handle = s.attach("janus.plugin.streaming");
        byte[] master = new byte[SrtpKeys.KEY_LENGTH + SrtpKeys.SALT_LENGTH];
        RANDOM.nextBytes(master);
        JsonNode created;
        try {
            created = s.request(handle, createRequest(master));
        } catch (JanusSession.JanusException e) {
            if (e.code() != JanusSession.CANNOT_CREATE) {
                throw e;
            }
            // most likely our own mountpoint from before this run or a lost link: take it down and make it afresh
            ObjectNode destroy = JanusSession.body("destroy");
            destroy.put("id", address.mountpoint());
            destroy.put("secret", secret);
            try {
                s.request(handle, destroy);
            } catch (JanusSession.JanusException refused) {
                throw new IOException("mountpoint " + address.mountpoint() + " cannot be made (" + e.getMessage()
                        + ") nor taken down (" + refused.getMessage() + "): is it another car's?");
            }
            created = s.request(handle, createRequest(master));
        }
        int videoPort = -1;
        int dataPort = -1;
        for (JsonNode port : created.path("stream").path("ports")) {
            if (port.path("mid").asText().equals(VIDEO_MID)) {
                videoPort = port.path("port").asInt(-1);
            } else if (port.path("mid").asText().equals(DATA_MID)) {
                dataPort = port.path("port").asInt(-1);
            }
        }
        if (videoPort <= 0 || dataPort <= 0) {
            throw new IOException("Janus created mountpoint " + address.mountpoint() + " but named no ports for it: "
                    + created.path("stream").path("ports"));
        }
        InetAddress relay = InetAddress.getByName(address.api().getHost());
        return new Target(new InetSocketAddress(relay, videoPort), new InetSocketAddress(relay, dataPort),
                new SrtpContext(Arrays.copyOf(master, SrtpKeys.KEY_LENGTH),
                        Arrays.copyOfRange(master, SrtpKeys.KEY_LENGTH, master.length)));
    }

    private ObjectNode createRequest(byte[] master) {
        SignalMessage.StreamInfo stream = context.streamInfo();
        ObjectNode create = JanusSession.body("create");
        create.put("type", "rtp");
        create.put("id", address.mountpoint());
        create.put("name", "carsight-" + address.mountpoint());
        create.put("description", String.format(Locale.ROOT, "carsight %dx%d@%s H.264 (%s)", stream.width(),
                stream.height(), stream.fps() == Math.rint(stream.fps()) ? String.valueOf((long) stream.fps())
                        : String.valueOf(stream.fps()), stream.camera()));
        create.put("is_private", false);
        create.put("secret", secret);
        if (adminKey != null) {
            create.put("admin_key", adminKey);
        }
        create.put("permanent", false);
        create.put("playoutdelay_ext", true); // viewers can ask for playout delay 0, as the direct path does
        create.put("srtpsuite", 80);
        create.put("srtpcrypto", Base64.getEncoder().encodeToString(master));
        ArrayNode media = create.putArray("media");
        ObjectNode video = media.addObject();
        video.put("type", "video");
        video.put("mid", VIDEO_MID);
        video.put("label", "camera");
        video.put("port", 0); // Janus picks one from its range and says which
        video.put("pt", PAYLOAD_TYPE);
        video.put("codec", "h264");
        // one description for every viewer: the stream's profile at level 3.1 or above — libwebrtc finds no decoder
        // for a lower level it does not list (42e014: frames received, none decoded), as the direct path's answers show
        carsight.streamer.sdp.H264Profile profile = carsight.streamer.sdp.H264Profile.parse(stream.profileLevelId());
        video.put("fmtp", "profile-level-id=" + profile.withLevel(Math.max(profile.levelIdc(), 0x1f)).hex()
                + ";packetization-mode=1");
        ObjectNode data = media.addObject();
        data.put("type", "data");
        data.put("mid", DATA_MID);
        data.put("label", "frame times");
        data.put("port", 0);
        return create;
    }

    /**
     * Holds the session open (Janus's long poll) and, after a poll, at most every 10 s, checks that the mountpoint is
     * still there. A poll that fails without Janus saying the session is gone (a connection broken when the car's
     * address changed, a moment without a path; an unanswered poll fails after 40 s) is tried again, once a second,
     * for {@value #POLL_RETRY_SECONDS} s before the link counts as lost: the mountpoint and its viewers stay as they
     * are meanwhile. Janus's "no such session" (it restarted) ends it at once.
     */
    private void watch() throws IOException {
        long lastCheck = System.nanoTime();
        int failures = 0;
        while (!closed) {
            JanusSession s = session;
            if (s == null) {
                throw new IOException("no session");
            }
            try {
                s.poll(); // returns within 30 s (a keepalive), throws when Janus forgot the session or is unreachable
                if (System.nanoTime() - lastCheck > 10_000_000_000L) {
                    lastCheck = System.nanoTime();
                    ObjectNode info = JanusSession.body("info");
                    info.put("id", address.mountpoint());
                    info.put("secret", secret);
                    s.request(handle, info); // 455 when someone destroyed it
                }
                if (failures > 0) {
                    LOG.log(System.Logger.Level.INFO, "relay: the link to {0} holds again (same mountpoint)", address);
                }
                failures = 0;
                failingSinceNanos = 0;
            } catch (JanusSession.JanusException e) {
                throw e;
            } catch (IOException e) {
                if (++failures > 1 && System.nanoTime() - failingSinceNanos > POLL_RETRY_SECONDS * 1_000_000_000L) {
                    throw e;
                }
                if (failures == 1) {
                    failingSinceNanos = System.nanoTime();
                    LOG.log(System.Logger.Level.INFO, "relay: {0}; trying the same session again", e.getMessage());
                }
                sleep(1000);
            }
        }
    }

    private void sendLoop() {
        try {
            while (!closed) {
                FrameQueue.Queued queued = queue.take(200);
                if (queued != null) {
                    Target t = target;
                    if (t != null) {
                        send(t, queued.frame());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void send(Target t, EncodedFrame frame) {
        long timestamp = context.rtpTimestampOf(frame.captureTimeMicros()) & 0xFFFFFFFFL;
        for (byte[] packet : stream.packets(frame.accessUnit(), timestamp)) {
            byte[] protectedPacket = t.srtp().protectRtp(packet);
            if (datagram(protectedPacket, t.video())) {
                context.metrics().relayPacketSent(protectedPacket.length);
            }
        }
        long sentMicros = WallClock.nowMicros();
        if (frame.keyframe() || System.nanoTime() - lastStreamInfoNanos > 1_000_000_000L) {
            lastStreamInfoNanos = System.nanoTime();
            datagram(codec.encode(context.streamInfo()).getBytes(StandardCharsets.UTF_8), t.data());
        }
        datagram(codec.encode(new SignalMessage.FrameInfo(timestamp, frame.captureTimeMicros(), sentMicros,
                frame.accessUnit().size(), frame.keyframe())).getBytes(StandardCharsets.UTF_8), t.data());
    }

    private boolean datagram(byte[] bytes, InetSocketAddress to) {
        try {
            channel.send(ByteBuffer.wrap(bytes), to);
            lastSendError = null;
            return true;
        } catch (IOException e) {
            if (!closed && !String.valueOf(e.getMessage()).equals(lastSendError)) {
                lastSendError = String.valueOf(e.getMessage());
                LOG.log(System.Logger.Level.WARNING, "relay: sending to {0}: {1}", to, lastSendError);
            }
            return false;
        }
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /** Stops publishing and takes the mountpoint down, so its viewers are told at once. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        context.fanout().unsubscribe(queue);
        sender.interrupt();
        link.interrupt();
        try {
            link.join(3000); // a create in flight finishes first, so the mountpoint it made is the one taken down
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        target = null;
        context.metrics().relayUp(false);
        JanusSession s = session;
        if (s != null) {
            try {
                ObjectNode destroy = JanusSession.body("destroy");
                destroy.put("id", address.mountpoint());
                destroy.put("secret", secret);
                s.request(handle, destroy);
                s.destroy();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "relay: taking the mountpoint down: {0}", e.getMessage());
            }
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "relay: closing its socket: {0}", e.getMessage());
        }
    }
}
