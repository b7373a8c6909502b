package carsight.streamer.session;

import carsight.streamer.camera.EncodedFrame;
import carsight.streamer.congestion.CameraBitrate;
import carsight.streamer.congestion.LatencyBudget;
import carsight.streamer.congestion.PathEstimate;
import carsight.streamer.congestion.Probe;
import carsight.streamer.dtls.DtlsServer;
import carsight.streamer.ice.IceSession;
import carsight.streamer.ice.IceState;
import carsight.streamer.rtcp.RtcpFormatException;
import carsight.streamer.rtcp.RtcpPacket;
import carsight.streamer.rtcp.RtcpParser;
import carsight.streamer.sdp.Answer;
import carsight.streamer.send.RtcpFeedback;
import carsight.streamer.srtp.SrtpContext;
import carsight.streamer.srtp.SrtpException;
import carsight.streamer.srtp.SrtpKeys;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One viewer: its ICE agent, DTLS handshake, SRTP contexts and send path, and the threads that drive them.
 *
 * <p>Life: created from an accepted offer (ICE gathered, answer built) → ICE connects → DTLS handshake (we are the
 * server, {@code setup:passive}) → SRTP keys → frames flow, starting with the cached group of pictures so the viewer
 * decodes at once → closed by the viewer, by ICE consent loss, or by the streamer. A viewer that cannot keep up loses
 * frames in its own {@link FrameQueue}; it never slows the camera or another viewer.
 *
 * <p>ICE restart: when the viewer offers again with new ICE credentials (the path broke, e.g. the car's address
 * changed), a second ICE agent is started beside the first; once it connects it becomes the path for everything —
 * the DTLS association, the SRTP contexts, the RTP sequence and the frame queue carry on untouched — and the old agent
 * is closed. Until then packets that cannot leave are lost, as UDP would lose them; the session itself ends only when
 * the restart fails, consent is lost with no restart under way, or the viewer leaves.
 */
public final class ViewerSession implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ViewerSession.class.getName());
    /** A memory bound only: the latency budget skips stale frames long before a queue grows this long. */
    private static final int MAX_QUEUED_FRAMES = 300;

    /** What the session tells its owner. Called from the session's own threads. */
    public interface Events {
        default void onMediaFlowing(ViewerSession session) {
        }

        default void onFrameSent(ViewerSession session, EncodedFrame frame, long rtpTimestamp, long sendTimeMicros) {
        }

        default void onClosed(ViewerSession session, String reason) {
        }

        /** Frames began or stopped being skipped for this viewer (see {@link LatencyBudget}). */
        default void onSkipping(ViewerSession session, boolean skipping) {
        }
    }

    private final String id;
    private final StreamerContext context;
    /** The path in use; replaced when an ICE restart connects. */
    private volatile IceSession ice;
    /** A restart's agent, from the viewer's new offer until it connects or fails. */
    private volatile IceSession restarting;
    /** The path whose send failure was logged last (once per path, not per packet). */
    private volatile IceSession failingPath;
    private final Answer answer;
    private final Events events;
    private final SendPath sendPath;
    private final FrameQueue queue;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final long createdNanos = System.nanoTime();
    private volatile Thread mediaThread;
    private volatile Thread senderThread;
    /** DTLS records from the viewer, queued for the handshake from the first one on (even before it starts). */
    private final IceDatagramTransport dtlsTransport;
    /** The DTLS channel once the handshake is done; read by the thread that receives the viewer's datagrams. */
    private volatile DtlsServer.Association association;
    /** What the DTLS channel reads into after the handshake; also the lock datagrams from the viewer are handled under. */
    private final byte[] dtlsBuffer = new byte[2048];
    private volatile SrtpContext inbound;
    private volatile String closeReason = "";
    private final PathEstimate path = new PathEstimate();
    private final LatencyBudget budget;
    private volatile boolean skipping;
    private volatile long framesSkipped;
    private long rateSampleBytes;
    private long rateSampleNanos = System.nanoTime();
    private volatile long sentBps;
    private volatile long cameraBps;
    /** When the last replayed frame was taken to be sent (the sender thread's). */
    private long replayLeftNanos = Long.MIN_VALUE;
    private final Probe probe = new Probe();

    ViewerSession(String id, StreamerContext context, IceSession ice, Answer answer, long ssrc, Events events) {
        this.id = id;
        this.context = context;
        this.ice = ice;
        this.answer = answer;
        this.events = events;
        this.queue = new FrameQueue(MAX_QUEUED_FRAMES);
        this.budget = new LatencyBudget(context.settings().latencyBudgetMillis());
        this.sendPath = new SendPath(context, answer.negotiated(), this::sendOnPath, ssrc);
        this.dtlsTransport = new IceDatagramTransport(this::sendOnPath);
        ice.receiveWith(this::onDatagram);
        ice.addStateListener(state -> onIceState(ice, state));
    }

    public String id() {
        return id;
    }

    public String answerSdp() {
        return answer.sdp();
    }

    /** The ICE agent in use (after a restart, the new one). */
    public IceSession ice() {
        return ice;
    }

    /** What the media was negotiated with: an ICE restart offer must agree with it on everything but ICE. */
    public carsight.streamer.sdp.Negotiated negotiated() {
        return answer.negotiated();
    }

    public SendPath sendPath() {
        return sendPath;
    }

    /**
     * Adds a trickled remote candidate ({@code candidate:...}); an empty string means the viewer has no more. During
     * an ICE restart the candidates belong to the new agent.
     */
    public void addRemoteCandidate(String candidate) {
        if (candidate == null || candidate.isBlank()) {
            return;
        }
        IceSession pending = restarting;
        (pending != null ? pending : ice).addRemoteCandidate(candidate);
    }

    /**
     * Starts an ICE restart with {@code next}, an agent gathered for the viewer's new offer, whose answer is
     * {@code restartAnswer}. A restart still under way is abandoned for this one.
     *
     * @throws IOException when the session has ended meanwhile ({@code next} is closed)
     */
    public void restartIce(IceSession next, Answer restartAnswer) throws IOException {
        IceSession abandoned;
        synchronized (this) {
            if (closed.get()) {
                next.close();
                throw new IOException("the session has ended");
            }
            abandoned = restarting;
            restarting = next;
        }
        if (abandoned != null) {
            abandoned.close();
        }
        next.receiveWith(this::onDatagram);
        next.addStateListener(state -> onIceState(next, state));
        offered(next, restartAnswer.negotiated());
        LOG.log(System.Logger.Level.INFO, "viewer {0}: ICE restart asked for (was {1}); {2} local candidates now",
                id, ice.selectedPair(), next.localCandidates().size());
        next.start();
    }

    /** Sends on the path in use. A packet that cannot leave is lost (UDP); the path's fate is decided elsewhere. */
    private void sendOnPath(byte[] buffer, int offset, int length) throws IOException {
        IceSession path = ice;
        try {
            path.send(buffer, offset, length);
        } catch (IOException e) {
            if (closed.get()) {
                throw e;
            }
            if (failingPath != path) {
                failingPath = path;
                LOG.log(System.Logger.Level.INFO, "viewer {0}: packets cannot leave on {1} ({2}); waiting for an ICE "
                        + "restart or for consent to end the session", id, path.selectedPair(), e.getMessage());
            }
            context.metrics().sendFailed();
        }
    }

    /** Gives {@code target} what the viewer's offer said about its ICE: credentials and any candidates in it. */
    void offered(IceSession target, carsight.streamer.sdp.Negotiated offer) {
        target.setRemoteCredentials(offer.remoteUfrag(), offer.remotePassword());
        for (String candidate : offer.remoteCandidates()) {
            try {
                target.addRemoteCandidate(candidate);
            } catch (IllegalArgumentException e) {
                LOG.log(System.Logger.Level.DEBUG, "viewer {0}: skipping candidate: {1}", id, e.getMessage());
            }
        }
    }

    /** Starts connectivity checks; media starts by itself once ICE connects. */
    public void start() {
        ice.start();
    }

    private void onIceState(IceSession source, IceState state) {
        if (source == restarting) {
            switch (state) {
                case CONNECTED -> promote(source);
                case FAILED -> close("ICE restart failed: no candidate pair worked");
                default -> { }
            }
            return;
        }
        if (source != ice) {
            return; // a path replaced by a restart, closing
        }
        if (state == IceState.FAILED && restarting != null) {
            LOG.log(System.Logger.Level.INFO, "viewer {0}: the old path lost consent; the ICE restart goes on", id);
            return;
        }
        LOG.log(System.Logger.Level.INFO, "viewer {0}: ICE {1}{2}", id, state,
                state == IceState.CONNECTED ? " via " + ice.selectedPair() : "");
        switch (state) {
            case CONNECTED -> startMedia();
            case FAILED -> close(mediaThread == null ? "ICE failed: no candidate pair worked" : "ICE consent lost");
            case CLOSED -> close("ICE closed");
            default -> { }
        }
    }

    /** The restart's agent connected: everything goes over it from now on, and the old one is closed. */
    private void promote(IceSession next) {
        IceSession old;
        synchronized (this) {
            if (restarting != next || closed.get()) {
                return;
            }
            old = ice;
            ice = next;
            restarting = null;
        }
        old.close();
        context.metrics().iceRestarted();
        LOG.log(System.Logger.Level.INFO, "viewer {0}: ICE restarted, now via {1}", id, next.selectedPair());
        if (mediaThread == null) {
            startMedia(); // restarted before media ever flowed
        }
    }

    private synchronized void startMedia() {
        if (mediaThread != null || closed.get()) {
            return;
        }
        mediaThread = new Thread(this::runMedia, "viewer-" + id + "-media");
        mediaThread.setDaemon(true);
        mediaThread.start();
    }

    /** The DTLS handshake, on a thread of its own that ends with it; then the sender. */
    private void runMedia() {
        IceDatagramTransport transport = dtlsTransport;
        try {
            long start = System.nanoTime();
            DtlsServer.Association dtls = new DtlsServer(context.identity()).handshake(transport,
                    answer.negotiated().remoteFingerprint());
            SrtpKeys keys = dtls.keys();
            if (closed.get()) {
                return;
            }
            association = dtls;
            LOG.log(System.Logger.Level.INFO, "viewer {0}: DTLS done in {1} ms, SRTP ready", id,
                    (System.nanoTime() - start) / 1_000_000);
            inbound = keys.inbound();
            sendPath.ready(keys.outbound());
            context.fanout().subscribe(queue);
            senderThread = new Thread(this::runSender, "viewer-" + id + "-send");
            senderThread.setDaemon(true);
            senderThread.start();
            events.onMediaFlowing(this);
            context.metrics().sessionStarted();
        } catch (Exception e) {
            close("DTLS handshake failed: " + e.getMessage());
        }
    }

    /**
     * Everything the viewer sends on the media path, routed on the thread that read it from the socket (ice4j's, for
     * its STUN): no thread of this session waits for the viewer's datagrams. One datagram at a time: during an ICE
     * restart the old path and the new one are read by two threads, and the inbound SRTCP context and the DTLS channel
     * take one caller at a time.
     */
    private void onDatagram(byte[] buffer, int offset, int length, java.net.SocketAddress from) {
        if (closed.get()) {
            return;
        }
        if (offset != 0) {
            buffer = java.util.Arrays.copyOfRange(buffer, offset, offset + length);
        }
        synchronized (dtlsBuffer) {
            switch (DatagramDemux.classify(buffer, length)) {
                case DTLS -> {
                    dtlsTransport.deliver(buffer, length);
                    serviceDtls();
                }
                case RTCP -> onRtcp(java.util.Arrays.copyOf(buffer, length));
                default -> context.metrics().junkDropped();
            }
        }
    }

    /**
     * After the handshake, has the DTLS channel read what was just delivered to it (a viewer resending its last flight
     * gets ours again), on the thread that received it: no thread per viewer waits on the channel.
     */
    private void serviceDtls() {
        DtlsServer.Association dtls = association;
        if (dtls != null && !dtls.service(dtlsBuffer, 1)) {
            association = null; // closed by the viewer: nothing more to answer
        }
    }

    private void onRtcp(byte[] packet) {
        SrtpContext context = inbound;
        if (context == null) {
            return;
        }
        byte[] plain;
        try {
            plain = context.unprotectRtcp(packet);
        } catch (SrtpException e) {
            this.context.metrics().junkDropped();
            return;
        }
        try {
            RtcpFeedback.route(RtcpParser.parseCompound(plain), feedback);
        } catch (RtcpFormatException e) {
            this.context.metrics().junkDropped();
        }
    }

    /** What this viewer's RTCP asks for, and who does it. */
    private final RtcpFeedback.Handler feedback = new RtcpFeedback.Handler() {
        @Override
        public void nack(java.util.List<Integer> lost) {
            context.metrics().nackReceived();
            sendPath.retransmit(lost);
        }

        @Override
        public void keyframe(String why) {
            if (why.equals("FIR")) {
                context.metrics().firReceived();
            } else {
                context.metrics().pliReceived();
            }
            requestKeyframe(why);
        }

        @Override
        public void receiverReport(RtcpPacket.ReceiverReport report) {
            sendPath.onReceiverReport(report);
            path.onRoundTrip(sendPath.rttMillis(), System.nanoTime());
            pace();
        }

        @Override
        public void estimate(long bitrateBps) {
            context.metrics().estimateReceived();
            path.onEstimate(bitrateBps, System.nanoTime());
            pace();
        }
    };

    private void requestKeyframe(String why) {
        if (!context.keyframes().request(why, System.nanoTime())) {
            for (EncodedFrame cached : context.fanout().cachedGop()) {
                queue.replay(cached);
            }
        }
    }

    /**
     * Paces this viewer's packets at half again its path's estimate — the path's own queue stays short, and what it
     * cannot carry waits here, where the latency budget sees it — or at 80 % of it while the path holds more than
     * half the budget in its queue, to drain that; unpaced while its receiver gives no estimate.
     */
    private void pace() {
        long now = System.nanoTime();
        java.util.OptionalLong estimate = path.availableBps(now);
        if (estimate.isEmpty()) {
            // no word from the receiver yet: half again the camera's bitrate, so the first frames (a keyframe and what
            // follows it, or a whole replayed group of pictures) do not reach the path in one burst that its receiver's
            // estimator, in its first seconds, reads as a full path
            sendPath.pacer().rate(cameraBps * 15 / 10);
            return;
        }
        boolean draining = path.queueMillis() > budget.budgetMillis() / 2.0;
        sendPath.pacer().rate(estimate.getAsLong() * (draining ? 8 : 15) / 10);
    }

    /**
     * The rate to probe this viewer's path at, or 0 (see {@link Probe}): while its receiver's estimate is below the
     * camera's bitrate, its path is clear and nothing was lost, half again the estimate (at most the camera's
     * bitrate) — what the pacer lets through anyway when the camera gives that much.
     */
    private long probeRate(long nowNanos) {
        long camera = cameraBps;
        java.util.OptionalLong estimate = path.availableBps(nowNanos);
        if (camera <= 0 || estimate.isEmpty() || estimate.getAsLong() >= camera || !path.clear()
                || sendPath.lossFraction() > 0) {
            return 0;
        }
        return Math.min(camera, estimate.getAsLong() * 15 / 10);
    }

    /** Fills a gap between frames with padding while probing. */
    private void pad(long probing) throws IOException {
        int padding = probe.paddingDue(sendPath.bytesOnWire(), probing, System.nanoTime());
        if (padding > 0) {
            sendPath.sendPadding(padding);
        }
    }

    /**
     * The camera's bitrate now (the streamer's tick tells each viewer twice a second): what probing aims for at most,
     * and what the pacer goes by until the receiver gives its first estimate.
     */
    public void cameraBitrate(long bitsPerSecond) {
        cameraBps = bitsPerSecond;
        pace();
    }

    /**
     * This viewer's path now, for the camera's bitrate: its receiver's estimate, what was sent to it since the last
     * call, its queue and whether it skips frames. Called by one thread (the streamer's tick).
     */
    public CameraBitrate.ViewerPath path(long nowNanos) {
        long bytes = sendPath.bytesOnWire();
        long elapsed = nowNanos - rateSampleNanos;
        if (elapsed >= 200_000_000L) {
            sentBps = (bytes - rateSampleBytes) * 8 * 1_000_000_000L / elapsed;
            rateSampleBytes = bytes;
            rateSampleNanos = nowNanos;
        }
        return new CameraBitrate.ViewerPath(path.availableBps(nowNanos), sentBps, path.queueMillis(), skipping);
    }

    /** What the viewer is told about its path (a {@code path} message). */
    public carsight.protocol.signal.SignalMessage.PathInfo pathInfo(long cameraBitrateBps) {
        java.util.OptionalLong estimate = path.availableBps(System.nanoTime());
        return new carsight.protocol.signal.SignalMessage.PathInfo(estimate.isPresent() ? estimate.getAsLong() : null,
                (int) Math.min(Integer.MAX_VALUE, Math.round(path.queueMillis())), skipping, framesSkipped,
                cameraBitrateBps, (int) budget.budgetMillis());
    }

    /** Frames skipped for this viewer because they waited longer than the latency budget. */
    public long framesSkipped() {
        return framesSkipped;
    }

    public boolean skipping() {
        return skipping;
    }

    private void runSender() {
        try {
            long lastReport = 0;
            while (!closed.get()) {
                long probing = probeRate(System.nanoTime());
                FrameQueue.Queued queued = queue.take(probing > 0 ? 10 : 200);
                long now = System.nanoTime();
                if (now - lastReport > 1_000_000_000L) {
                    sendPath.sendSenderReport();
                    lastReport = now;
                }
                if (queued == null) {
                    pad(probing);
                    continue;
                }
                EncodedFrame frame = queued.frame();
                long rate = sendPath.pacer().rate();
                long drain = rate <= 0 ? 0 : (queue.bytes() + frame.accessUnit().size()) * 8 * 1_000_000_000L / rate;
                // the cached pictures a viewer starts with, and the live frames that queued behind them while they
                // left, are its catch-up: never late (skipping them would turn the join into a freeze)
                if (queued.replayed()) {
                    replayLeftNanos = System.nanoTime();
                }
                boolean catchUp = queued.arrivedNanos() <= replayLeftNanos;
                LatencyBudget.Decision decision = budget.decide(frame.keyframe(), System.nanoTime() - queued.arrivedNanos(),
                        catchUp, drain);
                switch (decision) {
                    case SKIP_LATE -> {
                        skipping = true;
                        framesSkipped = budget.skipped();
                        context.metrics().framesSkipped(1);
                        LOG.log(System.Logger.Level.INFO, "viewer {0}: link too narrow — a frame waited {1} ms, over the "
                                + "{2} ms budget: skipping to the next keyframe (path carries {3}, {4} ms queued)", id,
                                (System.nanoTime() - queued.arrivedNanos()) / 1_000_000, budget.budgetMillis(),
                                path.availableBps(System.nanoTime()).stream().mapToObj(b -> b / 1000 + " kb/s")
                                        .findFirst().orElse("unknown"), Math.round(path.queueMillis()));
                        if (!context.keyframes().request("latency budget", System.nanoTime())) {
                            LOG.log(System.Logger.Level.DEBUG, "viewer {0}: the camera cannot make a keyframe now", id);
                        }
                        events.onSkipping(this, true);
                        pad(probing);
                        continue;
                    }
                    case SKIP_UNTIL_KEYFRAME -> {
                        framesSkipped = budget.skipped();
                        context.metrics().framesSkipped(1);
                        pad(probing);
                        continue;
                    }
                    case SEND_RESUMING -> {
                        skipping = false;
                        LOG.log(System.Logger.Level.INFO, "viewer {0}: fresh frames again after skipping {1} in all", id,
                                budget.skipped());
                        events.onSkipping(this, false);
                    }
                    default -> { }
                }
                long sendTime = sendPath.send(frame);
                events.onFrameSent(this, frame, sendPath.rtpTimestampOf(frame), sendTime);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            close("send failed: " + e.getMessage());
        }
    }

    public boolean isClosed() {
        return closed.get();
    }

    public String closeReason() {
        return closeReason;
    }

    public long ageMillis() {
        return (System.nanoTime() - createdNanos) / 1_000_000;
    }

    public void close(String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeReason = reason;
        context.fanout().unsubscribe(queue);
        sendPath.close();
        dtlsTransport.close();
        ice.close();
        IceSession pending = restarting;
        if (pending != null) {
            pending.close();
        }
        if (senderThread != null) {
            senderThread.interrupt();
        }
        context.metrics().sessionEnded();
        LOG.log(System.Logger.Level.INFO, "viewer {0}: closed after {1} s: {2}", id, ageMillis() / 1000, reason);
        events.onClosed(this, reason);
    }

    @Override
    public void close() {
        close("closed by the streamer");
    }
}
