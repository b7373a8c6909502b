package carsight.streamer.session;

import carsight.streamer.camera.EncodedFrame;
import carsight.streamer.dtls.DtlsServer;
import carsight.streamer.ice.IceSession;
import carsight.streamer.ice.IceState;
import carsight.streamer.rtcp.RtcpFormatException;
import carsight.streamer.rtcp.RtcpPacket;
import carsight.streamer.rtcp.RtcpParser;
import carsight.streamer.sdp.Answer;
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
 */
public final class ViewerSession implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ViewerSession.class.getName());
    private static final int MAX_DATAGRAM = 1500;

    /** What the session tells its owner. Called from the session's own threads. */
    public interface Events {
        default void onMediaFlowing(ViewerSession session) {
        }

        default void onFrameSent(ViewerSession session, EncodedFrame frame, long rtpTimestamp, long sendTimeMicros) {
        }

        default void onClosed(ViewerSession session, String reason) {
        }
    }

    private final String id;
    private final StreamerContext context;
    private final IceSession ice;
    private final Answer answer;
    private final Events events;
    private final SendPath sendPath;
    private final FrameQueue queue;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final long createdNanos = System.nanoTime();
    private volatile Thread mediaThread;
    private volatile Thread senderThread;
    private volatile IceDatagramTransport dtlsTransport;
    private volatile SrtpContext inbound;
    private volatile String closeReason = "";

    ViewerSession(String id, StreamerContext context, IceSession ice, Answer answer, long ssrc, Events events) {
        this.id = id;
        this.context = context;
        this.ice = ice;
        this.answer = answer;
        this.events = events;
        this.queue = new FrameQueue(context.settings().viewerQueueFrames());
        this.sendPath = new SendPath(context, answer.negotiated(), ice, ssrc);
        ice.addStateListener(this::onIceState);
    }

    public String id() {
        return id;
    }

    public String answerSdp() {
        return answer.sdp();
    }

    public IceSession ice() {
        return ice;
    }

    public SendPath sendPath() {
        return sendPath;
    }

    /** Adds a trickled remote candidate ({@code candidate:...}); an empty string means the viewer has no more. */
    public void addRemoteCandidate(String candidate) {
        if (candidate == null || candidate.isBlank()) {
            return;
        }
        ice.addRemoteCandidate(candidate);
    }

    /** Starts connectivity checks; media starts by itself once ICE connects. */
    public void start() {
        ice.start();
    }

    private void onIceState(IceState state) {
        LOG.log(System.Logger.Level.INFO, "viewer {0}: ICE {1}{2}", id, state,
                state == IceState.CONNECTED ? " via " + ice.selectedPair() : "");
        switch (state) {
            case CONNECTED -> startMedia();
            case FAILED -> close(mediaThread == null ? "ICE failed: no candidate pair worked" : "ICE consent lost");
            case CLOSED -> close("ICE closed");
            default -> { }
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

    /** DTLS handshake, then the receive loop for RTCP. */
    private void runMedia() {
        IceDatagramTransport transport = new IceDatagramTransport(ice);
        dtlsTransport = transport;
        Thread pump = new Thread(() -> pump(transport), "viewer-" + id + "-recv");
        pump.setDaemon(true);
        pump.start();
        try {
            long start = System.nanoTime();
            DtlsServer.Association dtls = new DtlsServer(context.identity()).handshake(transport,
                    answer.negotiated().remoteFingerprint());
            SrtpKeys keys = dtls.keys();
            if (closed.get()) {
                return;
            }
            Thread channel = new Thread(() -> dtls.serviceUntilClosed(() -> !closed.get()), "viewer-" + id + "-dtls");
            channel.setDaemon(true);
            channel.start();
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

    /** Reads everything the viewer sends on the media path and routes it. */
    private void pump(IceDatagramTransport transport) {
        byte[] buffer = new byte[MAX_DATAGRAM];
        while (!closed.get()) {
            int n;
            try {
                n = ice.receive(buffer, 0, buffer.length, 500);
            } catch (IOException | RuntimeException e) {
                if (!closed.get()) {
                    close("media socket failed: " + e.getMessage());
                }
                return;
            }
            if (n <= 0) {
                continue;
            }
            switch (DatagramDemux.classify(buffer, n)) {
                case DTLS -> transport.deliver(buffer, n);
                case RTCP -> onRtcp(java.util.Arrays.copyOf(buffer, n));
                default -> context.metrics().junkDropped();
            }
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
            for (RtcpPacket p : RtcpParser.parseCompound(plain)) {
                if (p instanceof RtcpPacket.GenericNack nack) {
                    this.context.metrics().nackReceived();
                    sendPath.retransmit(nack.lostSequenceNumbers());
                } else if (p instanceof RtcpPacket.PictureLossIndication) {
                    this.context.metrics().pliReceived();
                    requestKeyframe("PLI");
                } else if (p instanceof RtcpPacket.FullIntraRequest) {
                    this.context.metrics().firReceived();
                    requestKeyframe("FIR");
                } else if (p instanceof RtcpPacket.ReceiverReport rr) {
                    sendPath.onReceiverReport(rr);
                }
            }
        } catch (RtcpFormatException e) {
            this.context.metrics().junkDropped();
        }
    }

    private void requestKeyframe(String why) {
        if (!context.keyframes().request(why)) {
            for (EncodedFrame cached : context.fanout().cachedGop()) {
                queue.offer(cached);
            }
        }
    }

    private void runSender() {
        try {
            long lastReport = 0;
            while (!closed.get()) {
                EncodedFrame frame = queue.take(200);
                long now = System.nanoTime();
                if (now - lastReport > 1_000_000_000L) {
                    sendPath.sendSenderReport();
                    lastReport = now;
                }
                if (frame == null) {
                    continue;
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
        IceDatagramTransport transport = dtlsTransport;
        if (transport != null) {
            transport.close();
        }
        ice.close();
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
