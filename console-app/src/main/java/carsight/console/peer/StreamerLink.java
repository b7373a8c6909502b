package carsight.console.peer;

import carsight.protocol.clock.WallClock;
import carsight.console.latency.FrameLatency;
import carsight.console.latency.FrameTiming;
import carsight.protocol.clock.ClockOffset;
import carsight.protocol.signal.SignalCodec;
import carsight.protocol.signal.SignalFormatException;
import carsight.protocol.signal.SignalMessage;
import carsight.protocol.timecode.FrameTimecode;
import carsight.protocol.timecode.TimecodeWord;
import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceServer;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceConnectionState;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCRtpCodecCapability;
import dev.onvoid.webrtc.RTCRtpReceiver;
import dev.onvoid.webrtc.RTCRtpSynchronizationSource;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCRtpTransceiverDirection;
import dev.onvoid.webrtc.RTCRtpTransceiverInit;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.RTCStats;
import dev.onvoid.webrtc.RTCStatsType;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.onvoid.webrtc.media.MediaType;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import dev.onvoid.webrtc.media.video.CustomVideoSource;
import dev.onvoid.webrtc.media.video.I420Buffer;
import dev.onvoid.webrtc.media.video.VideoFrame;
import dev.onvoid.webrtc.media.video.VideoTrack;
import dev.onvoid.webrtc.media.video.VideoTrackSink;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import org.glassfish.tyrus.client.ClientManager;

import java.net.URI;
import java.net.URLEncoder;
import dev.onvoid.webrtc.media.FourCC;
import dev.onvoid.webrtc.media.video.VideoBufferConverter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The console's connection to a streamer: signaling over {@code /signal}, a libwebrtc receiver (webrtc-java) for
 * the H.264 video, clock sync, per-frame timing, and reconnection with backoff whenever the link drops.
 *
 * <p>Threads: libwebrtc's native threads deliver frames and events; one scheduler thread of ours does signaling
 * work, clock pings, synchronization-source polls and stats. Nothing here touches JavaFX; the listener hands values
 * to the UI. Decoded frames are kept newest-wins: {@link #takeNewest()} gives the frame to show (the caller must
 * {@link VideoFrame#release()} it), older unshown frames are released here.
 */
public final class StreamerLink implements AutoCloseable, carsight.console.video.Picture.Source {

    private static final System.Logger LOG = System.getLogger(StreamerLink.class.getName());

    /** What the link reports. Called from the link's threads; must not block. */
    public interface Listener {
        default void onState(LinkState state, String detail) {
        }

        /** The https:// streamer's certificate fingerprint (SHA-256), and whether it was pinned just now. */
        default void onCertificate(String fingerprint, boolean firstUse) {
        }

        default void onStream(SignalMessage.StreamInfo stream) {
        }

        /** How the path keeps up: its estimate, the camera's bitrate, whether frames are being skipped. */
        default void onPath(SignalMessage.PathInfo path) {
        }

        default void onClock(ClockOffset.Estimate estimate) {
        }

        default void onLatency(FrameLatency latency) {
        }

        /** Capture → on screen from the frame's own timecode (test pattern only), ms. */
        /** For one frame with a timecode: what the meter said minus the truth, ms. */
        default void onMeterError(double millis) {
        }

        default void onTruth(double millis) {
        }

        default void onStats(LinkStats stats) {
        }

        /** A new decoded frame is waiting in {@link #takeNewest()}. */
        default void onFrameReady() {
        }
    }

    private final URI streamer;
    private final String token;
    private final Listener listener;
    private final SignalCodec codec = new SignalCodec();
    private final ClockOffset clock = new ClockOffset(32);
    private final FrameTiming timing = new FrameTiming(clock);
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "streamer-link");
        t.setDaemon(true);
        return t;
    });
    private final AtomicReference<VideoFrame> newest = new AtomicReference<>();
    private final AtomicReference<long[]> newestTimes = new AtomicReference<>();
    private final VideoTrackSink sink = this::onFrame; // held strongly: native code keeps only a weak reference
    private final AtomicLong framesShown = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong pingIds = new AtomicLong();

    private HeadlessAudioDeviceModule audio;
    private PeerConnectionFactory factory;
    private volatile Attempt attempt;
    private volatile boolean closed;
    private volatile LinkState state = LinkState.STOPPED;
    /** Retries stay this frequent so a restarted streamer is watched again within seconds of being up. */
    static final long MAX_BACKOFF_MILLIS = 1_000;
    private long backoffMillis = 500;
    private final CertificatePins pins;
    private volatile String certificate;
    private final java.util.Map<Long, Double> truthByScreenTime = new java.util.concurrent.ConcurrentHashMap<>();
    /** Benchmarks only ({@code -Dcarsight.playout-delay=off}): offer without the playout-delay extension, the libwebrtc default path. */
    private static final boolean PLAYOUT_DELAY_OFF = "off".equals(System.getProperty("carsight.playout-delay"));
    private volatile long connectStartedNanos;
    private volatile long firstFrameMillis = -1;
    private volatile long lastFrameNanos;
    private long lastBytes;
    private long lastEmitted;
    private double lastJitterSeconds;
    private long lastDecoded;
    private double lastDecodeSeconds;
    private long lastStatsNanos;

    public StreamerLink(URI streamer, String token, Listener listener) {
        this(streamer, token, listener, CertificatePins.remembered());
    }

    /** @param pins certificates trusted for https:// streamers (pinned on first use) */
    public StreamerLink(URI streamer, String token, Listener listener, CertificatePins pins) {
        this.streamer = streamer;
        this.token = token;
        this.listener = listener;
        this.pins = pins;
    }

    public void start() {
        worker.execute(() -> {
            audio = new HeadlessAudioDeviceModule();
            factory = new PeerConnectionFactory(audio);
            connect();
        });
        worker.scheduleWithFixedDelay(this::pollArrivals, 100, 5, TimeUnit.MILLISECONDS);
        worker.scheduleWithFixedDelay(this::pollStats, 1000, 1000, TimeUnit.MILLISECONDS);
        worker.scheduleWithFixedDelay(this::ping, 200, 500, TimeUnit.MILLISECONDS);
        worker.scheduleWithFixedDelay(this::watchdog, 500, 250, TimeUnit.MILLISECONDS);
    }

    public LinkState state() {
        return state;
    }

    public long reconnects() {
        return reconnects.get();
    }

    /** Time from the first connect to the first frame shown, or -1. */
    public long firstFrameMillis() {
        return firstFrameMillis;
    }

    public long framesShown() {
        return framesShown.get();
    }

    /** One connection attempt: a socket and a peer connection that live and die together. */
    private final class Attempt {
        volatile Session socket;
        volatile RTCPeerConnection pc;
        volatile VideoTrack remote;
        volatile RTCRtpReceiver receiver;
        volatile CustomVideoSource placeholderSource;
        volatile VideoTrack placeholder;
        volatile boolean dead;
        volatile long lastMediaNanos = System.nanoTime();
        final long startedNanos = System.nanoTime();
        volatile boolean everLive;
        /** Frames came on this attempt: only then can their silence mean a broken path. */
        volatile boolean sawVideo;
        /** When an ICE restart was asked for in the current outage, or 0. */
        volatile long restartNanos;
        final List<SignalMessage.IceServerInfo> iceServers = new java.util.concurrent.CopyOnWriteArrayList<>();
        /** Candidates gathered while an offer is being made: they follow it (the streamer refuses them before it). */
        private final List<SignalMessage.Candidate> heldCandidates = new ArrayList<>();
        private boolean holdingCandidates = true;

        synchronized void holdCandidates() {
            holdingCandidates = true;
        }

        synchronized void candidate(SignalMessage.Candidate c) {
            if (holdingCandidates) {
                heldCandidates.add(c);
            } else {
                send(this, c);
            }
        }

        /** Sends the offer, then the candidates gathered meanwhile, in their order. */
        synchronized void offer(SignalMessage.Offer offer) {
            send(this, offer);
            heldCandidates.forEach(c -> send(this, c));
            heldCandidates.clear();
            holdingCandidates = false;
        }
    }

    private void connect() {
        if (closed) {
            return;
        }
        if (connectStartedNanos == 0) {
            connectStartedNanos = System.nanoTime();
        }
        Attempt a = new Attempt();
        attempt = a;
        setState(LinkState.CONNECTING, streamer.toString());
        try {
            URI signal = URI.create((streamer.getScheme().equals("https") ? "wss" : "ws") + "://" + streamer.getHost()
                    + ":" + (streamer.getPort() < 0 ? (streamer.getScheme().equals("https") ? 443 : 80) : streamer.getPort()) + "/signal"
                    + (token == null || token.isEmpty() ? "" : "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)));
            ClientManager client = ClientManager.createClient();
            client.getProperties().put("org.glassfish.tyrus.client.sharedContainerTimeout", 5);
            if (streamer.getScheme().equals("https")) {
                String address = streamer.getHost() + ":" + (streamer.getPort() < 0 ? 443 : streamer.getPort());
                org.glassfish.tyrus.client.SslEngineConfigurator tls = new org.glassfish.tyrus.client.SslEngineConfigurator(
                        pins.contextFor(address, (fingerprint, firstUse) -> {
                            if (!fingerprint.equals(certificate)) {
                                certificate = fingerprint;
                                LOG.log(System.Logger.Level.INFO, "TLS: {0} presents SHA-256 {1}{2}", address, fingerprint,
                                        firstUse ? " — pinned now, on first use: compare it with the streamer's" : " (pinned)");
                                listener.onCertificate(fingerprint, firstUse);
                            }
                        }), true, false, false);
                tls.setHostVerificationEnabled(false); // the pinned fingerprint is the check, not the name
                client.getProperties().put(org.glassfish.tyrus.client.ClientProperties.SSL_ENGINE_CONFIGURATOR, tls);
            }
            java.util.concurrent.Future<Session> opening = client.asyncConnectToServer(new Endpoint() {
                @Override
                public void onOpen(Session session, EndpointConfig cfg) {
                    session.setMaxTextMessageBufferSize(SignalCodec.MAX_BYTES);
                    session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> onSignal(a, text));
                    a.socket = session; // the streamer sends its ICE servers, then hello: the offer follows that
                }

                @Override
                public void onClose(Session session, CloseReason reason) {
                    worker.execute(() -> {
                        if (reason.getCloseCode().getCode() == 1008) {
                            fail(a, LinkState.UNAUTHORIZED, "the streamer refused the token");
                        } else {
                            fail(a, LinkState.LINK_LOST, "signaling closed: " + reason.getReasonPhrase());
                        }
                    });
                }

                @Override
                public void onError(Session session, Throwable error) {
                    worker.execute(() -> fail(a, LinkState.LINK_LOST, "signaling error: " + error.getMessage()));
                }
            }, ClientEndpointConfig.Builder.create().build(), signal);
            watchOpening(a, opening, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        } catch (Exception e) {
            fail(a, LinkState.LINK_LOST, "cannot connect: " + e.getMessage());
        }
    }

    /**
     * Fails the attempt as soon as the socket cannot open (a refused connection: the streamer is not up yet), or after
     * the deadline (no answer at all), instead of always waiting out the deadline.
     */
    private void watchOpening(Attempt a, java.util.concurrent.Future<Session> opening, long deadlineNanos) {
        if (a.dead || a.socket != null) {
            return;
        }
        if (opening.isDone()) {
            try {
                opening.get();
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                while (cause.getCause() != null) {
                    cause = cause.getCause();
                }
                fail(a, LinkState.LINK_LOST, "cannot reach " + streamer + ": " + cause.getMessage());
                return;
            } catch (InterruptedException | java.util.concurrent.CancellationException e) {
                fail(a, LinkState.LINK_LOST, "cannot reach " + streamer);
                return;
            }
        }
        if (System.nanoTime() > deadlineNanos) {
            opening.cancel(true);
            fail(a, LinkState.LINK_LOST, "cannot reach " + streamer + " (no answer in 5 s)");
            return;
        }
        worker.schedule(() -> watchOpening(a, opening, deadlineNanos), 100, TimeUnit.MILLISECONDS);
    }

    /** The peer connection, with the ICE servers the streamer handed over (STUN, short-lived TURN). */
    private void createPeer(Attempt a) {
        RTCConfiguration config = new RTCConfiguration();
        for (SignalMessage.IceServerInfo info : a.iceServers) {
            RTCIceServer server = new RTCIceServer();
            server.urls = List.of(info.urls());
            if (info.username() != null) {
                server.username = info.username();
                server.password = info.credential();
            }
            config.iceServers.add(server);
        }
        a.pc = factory.createPeerConnection(config, new PeerConnectionObserver() {
            @Override
            public void onIceCandidate(RTCIceCandidate candidate) {
                a.candidate(new SignalMessage.Candidate(candidate.sdp, candidate.sdpMid, candidate.sdpMLineIndex));
            }

            @Override
            public void onIceConnectionChange(RTCIceConnectionState ice) {
                worker.execute(() -> onIce(a, ice));
            }

            @Override
            public void onTrack(RTCRtpTransceiver transceiver) {
                worker.execute(() -> {
                    if (transceiver.getReceiver().getTrack() instanceof VideoTrack video && !a.dead) {
                        a.remote = video;
                        a.receiver = transceiver.getReceiver();
                        video.addSink(sink);
                    }
                });
            }
        });
        a.placeholderSource = new CustomVideoSource();
        a.placeholder = factory.createVideoTrack("carsight-recv", a.placeholderSource);
        RTCRtpTransceiverInit init = new RTCRtpTransceiverInit();
        init.direction = RTCRtpTransceiverDirection.RECV_ONLY;
        RTCRtpTransceiver transceiver = a.pc.addTransceiver(a.placeholder, init);
        List<RTCRtpCodecCapability> h264 = new ArrayList<>();
        for (RTCRtpCodecCapability c : factory.getRtpReceiverCapabilities(MediaType.VIDEO).getCodecs()) {
            if (c.getName().equalsIgnoreCase("H264") || c.getName().equalsIgnoreCase("rtx")) {
                h264.add(c);
            }
        }
        transceiver.setCodecPreferences(h264);

    }

    /** Offers; with {@code iceRestart} new ICE credentials on the same peer connection, the rest unchanged. */
    private void offer(Attempt a, boolean iceRestart) {
        if (a.dead) {
            return;
        }
        if (!iceRestart) {
            setState(LinkState.NEGOTIATING, "offer sent");
        }
        RTCOfferOptions options = new RTCOfferOptions();
        options.iceRestart = iceRestart;
        a.holdCandidates();
        a.pc.createOffer(options, new CreateSessionDescriptionObserver() {
            @Override
            public void onSuccess(RTCSessionDescription offer) {
                worker.execute(() -> a.pc.setLocalDescription(offer, new SetSessionDescriptionObserver() {
                    @Override
                    public void onSuccess() {
                        String sdp = offer.sdp;
                        if (PLAYOUT_DELAY_OFF) {
                            sdp = sdp.replaceAll("a=extmap:\\d+ http://www.webrtc.org/experiments/rtp-hdrext/playout-delay\r\n", "");
                        }
                        a.offer(new SignalMessage.Offer(sdp));
                    }

                    @Override
                    public void onFailure(String error) {
                        worker.execute(() -> fail(a, LinkState.LINK_LOST, "local description refused: " + error));
                    }
                }));
            }

            @Override
            public void onFailure(String error) {
                worker.execute(() -> fail(a, LinkState.LINK_LOST, "cannot create an offer: " + error));
            }
        });
    }

    private void onSignal(Attempt a, String text) {
        long receivedMicros = WallClock.nowMicros();
        SignalMessage message;
        try {
            message = codec.decode(text);
        } catch (SignalFormatException e) {
            LOG.log(System.Logger.Level.WARNING, "signal: ignoring a bad message: {0}", e.getMessage());
            return;
        }
        if (message instanceof SignalMessage.FrameInfo f) {
            worker.execute(() -> timing.onReport(f.rtpTimestamp(), f.captureTimeMicros(), f.sendTimeMicros()));
        } else if (message instanceof SignalMessage.Pong p) {
            clock.add(p.clientTimeMicros(), p.serverReceiveMicros(), p.serverSendMicros(), receivedMicros);
            clock.estimate().ifPresent(listener::onClock);
        } else if (message instanceof SignalMessage.Answer answer) {
            worker.execute(() -> a.pc.setRemoteDescription(new RTCSessionDescription(RTCSdpType.ANSWER, answer.sdp()),
                    new SetSessionDescriptionObserver() {
                        @Override
                        public void onSuccess() {
                        }

                        @Override
                        public void onFailure(String error) {
                            worker.execute(() -> fail(a, LinkState.LINK_LOST, "the streamer's answer was refused: " + error));
                        }
                    }));
        } else if (message instanceof SignalMessage.Candidate c && !c.candidate().isEmpty()) {
            worker.execute(() -> a.pc.addIceCandidate(new RTCIceCandidate(c.sdpMid() == null ? "0" : c.sdpMid(),
                    c.sdpMLineIndex() == null ? 0 : c.sdpMLineIndex(), c.candidate())));
        } else if (message instanceof SignalMessage.PathInfo path) {
            listener.onPath(path);
        } else if (message instanceof SignalMessage.StreamInfo s) {
            listener.onStream(s);
        } else if (message instanceof SignalMessage.IceServerInfo info) {
            a.iceServers.add(info);
        } else if (message instanceof SignalMessage.Hello) {
            worker.execute(() -> {
                if (a.dead || a.pc != null) {
                    return;
                }
                try {
                    createPeer(a);
                    offer(a, false);
                } catch (RuntimeException e) {
                    fail(a, LinkState.LINK_LOST, "cannot set up the peer connection: " + e.getMessage());
                }
            });
        } else if (message instanceof SignalMessage.ErrorMessage e) {
            LOG.log(System.Logger.Level.WARNING, "streamer says: {0}: {1}", e.code(), e.message());
            if (e.code().equals("offer-refused") || e.code().equals("busy") || e.code().equals("internal")) {
                worker.execute(() -> fail(a, LinkState.LINK_LOST, e.message()));
            }
        } else if (message instanceof SignalMessage.Bye bye) {
            worker.execute(() -> fail(a, LinkState.LINK_LOST, "the streamer ended the session: " + bye.reason()));
        }
    }

    private void onIce(Attempt a, RTCIceConnectionState ice) {
        if (a.dead) {
            return;
        }
        switch (ice) {
            case CONNECTED, COMPLETED -> {
                a.everLive = true;
                if (a.restartNanos == 0) {
                    setState(LinkState.LIVE, "ICE " + ice.name().toLowerCase());
                } else { // restarting: live once frames come again, not on libwebrtc's word alone
                    LOG.log(System.Logger.Level.INFO, "link: ICE {0} during the restart", ice.name().toLowerCase());
                }
            }
            case FAILED -> fail(a, LinkState.LINK_LOST, "ICE failed: no network path to the streamer");
            case DISCONNECTED -> setState(LinkState.LINK_LOST, "ICE disconnected: waiting for the path to come back");
            default -> { }
        }
    }

    /** Native sink thread: keep the newest frame, release the one it replaces. */
    private void onFrame(VideoFrame frame) {
        long sinkMicros = WallClock.nowMicros();
        Attempt a = attempt;
        if (a != null) {
            a.lastMediaNanos = System.nanoTime();
            a.sawVideo = true;
            if (a.restartNanos != 0) {
                worker.execute(() -> videoBack(a));
            }
        }
        lastFrameNanos = System.nanoTime();
        VideoFrame previous = newest.getAndSet(frame);
        newestTimes.set(new long[]{sinkMicros});
        if (previous != null) {
            previous.release();
        }
        listener.onFrameReady();
    }

    /**
     * The newest decoded frame, or null; the caller must report it {@link Frame#shown shown} or
     * {@link Frame#discard discarded}, which releases it.
     */
    @Override
    public Frame takeNewest() {
        VideoFrame frame = newest.getAndSet(null);
        long[] times = newestTimes.get();
        return frame == null ? null : new Frame(frame, times == null ? WallClock.nowMicros() : times[0]);
    }

    /**
     * A decoded frame handed to the renderer. It is released exactly once, whichever is called; a frame of a link
     * that has been closed meanwhile (the operator reconnected) is released and otherwise ignored.
     */
    public final class Frame implements carsight.console.video.Picture {
        private final VideoFrame frame;
        private final long sinkMicros;
        private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();

        private Frame(VideoFrame frame, long sinkMicros) {
            this.frame = frame;
            this.sinkMicros = sinkMicros;
        }

        @Override
        public int width() {
            return frame.buffer.getWidth();
        }

        @Override
        public int height() {
            return frame.buffer.getHeight();
        }

        @Override
        public void writeBgra(ByteBuffer bgra) {
            try {
                // libyuv's FourCC names: ARGB is the bytes B, G, R, A — JavaFX's ByteBgraPre for an opaque picture
                VideoBufferConverter.convertFromI420(frame.buffer, bgra, FourCC.ARGB);
            } catch (Exception e) {
                throw new IllegalStateException("cannot convert a frame: " + e, e);
            }
        }

        /** Reads the test pattern's timecode from the luma plane, if there is one. */
        Optional<TimecodeWord.Timecode> timecode() {
            I420Buffer i420 = frame.buffer.toI420(); // already I420: the same buffer, owned by the frame
            ByteBuffer y = i420.getDataY();
            int stride = i420.getStrideY();
            if (i420.getWidth() < FrameTimecode.CELLS) {
                return Optional.empty();
            }
            return FrameTimecode.read((x, yy) -> y.get(yy * stride + x) & 0xFF, i420.getWidth());
        }

        /** It is on screen: counts it, reads its timecode and times it; releases it. */
        @Override
        public void shown(long screenMicros) {
            if (!released.compareAndSet(false, true)) {
                return;
            }
            Optional<TimecodeWord.Timecode> tc;
            try {
                tc = closed ? Optional.empty() : timecode();
            } finally {
                frame.release();
            }
            if (closed) {
                return; // a frame of a link that is gone: nothing to count it against
            }
            framesShown.incrementAndGet();
            if (firstFrameMillis < 0) {
                firstFrameMillis = (System.nanoTime() - connectStartedNanos) / 1_000_000;
            }
            tc.ifPresent(t -> {
                double truth = (screenMicros - t.captureTimeNear(screenMicros)) / 1000.0;
                listener.onTruth(truth);
                if (truthByScreenTime.size() > 600) {
                    truthByScreenTime.clear(); // frames whose meter value never came: forget them
                }
                truthByScreenTime.put(screenMicros, truth);
            });
            try {
                worker.execute(() -> {
                    timing.onShown(sinkMicros, screenMicros);
                    drainTiming();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closed between the check and now: its timing no longer matters
            }
        }

        /** Releases a frame that will not be shown. */
        @Override
        public void discard() {
            if (released.compareAndSet(false, true)) {
                frame.release();
            }
        }
    }

    private void drainTiming() {
        Optional<FrameLatency> latency;
        while ((latency = timing.next()).isPresent()) {
            listener.onLatency(latency.get());
            Double truth = truthByScreenTime.remove(latency.get().screenTimeMicros());
            if (truth != null) {
                listener.onMeterError(latency.get().totalMillis() - truth);
            }
        }
    }

    private void pollArrivals() {
        Attempt a = attempt;
        if (a == null || a.dead || a.receiver == null) {
            return;
        }
        try {
            long polled = WallClock.nowMicros();
            long nanoNow = System.nanoTime();
            for (RTCRtpSynchronizationSource source : a.receiver.getSynchronizationSources()) {
                // arrival is on libwebrtc's monotonic clock (µs), the same clock as System.nanoTime
                long arrivalWall = polled - (nanoNow / 1000 - source.timestamp);
                timing.onArrival(source.rtpTimestamp, arrivalWall, polled);
            }
            drainTiming();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "sync source poll failed: {0}", e.toString());
        }
    }

    private void pollStats() {
        Attempt a = attempt;
        if (a == null || a.dead || a.pc == null) {
            return;
        }
        a.pc.getStats(report -> {
            Map<String, RTCStats> all = report.getStats();
            Map<String, Object> inbound = Map.of();
            String candidateType = "none";
            for (RTCStats s : all.values()) {
                if (s.getType() == RTCStatsType.INBOUND_RTP && "video".equals(s.getAttributes().get("kind"))) {
                    inbound = s.getAttributes();
                }
                if (s.getType() == RTCStatsType.CANDIDATE_PAIR && Boolean.TRUE.equals(s.getAttributes().get("nominated"))
                        && "succeeded".equals(String.valueOf(s.getAttributes().get("state")))) {
                    RTCStats local = all.get(String.valueOf(s.getAttributes().get("localCandidateId")));
                    if (local != null) {
                        candidateType = String.valueOf(local.getAttributes().get("candidateType"));
                    }
                }
            }
            long emitted = number(inbound.get("jitterBufferEmittedCount"));
            double jitterSeconds = inbound.get("jitterBufferDelay") instanceof Number n ? n.doubleValue() : 0;
            long decoded = number(inbound.get("framesDecoded"));
            double decodeSeconds = inbound.get("totalDecodeTime") instanceof Number n ? n.doubleValue() : 0;
            if (emitted > lastEmitted && decoded > lastDecoded) {
                double jitter = (jitterSeconds - lastJitterSeconds) * 1000 / (emitted - lastEmitted);
                double decode = (decodeSeconds - lastDecodeSeconds) * 1000 / (decoded - lastDecoded);
                worker.execute(() -> timing.onReceiverDelays(jitter, decode));
            }
            lastEmitted = emitted;
            lastJitterSeconds = jitterSeconds;
            lastDecoded = decoded;
            lastDecodeSeconds = decodeSeconds;
            long bytes = number(inbound.get("bytesReceived"));
            long now = System.nanoTime();
            double kbps = lastStatsNanos == 0 ? 0 : (bytes - lastBytes) * 8.0 / ((now - lastStatsNanos) / 1e9) / 1000;
            lastBytes = bytes;
            lastStatsNanos = now;
            Object fps = inbound.get("framesPerSecond");
            listener.onStats(new LinkStats(state.label(), candidateType, Math.max(0, kbps),
                    fps instanceof Number n ? n.doubleValue() : 0, number(inbound.get("packetsLost")),
                    number(inbound.get("packetsReceived")), number(inbound.get("nackCount")),
                    number(inbound.get("freezeCount")), number(inbound.get("framesDecoded")),
                    number(inbound.get("framesDropped"))));
        });
    }

    private void ping() {
        Attempt a = attempt;
        if (a != null && a.socket != null && !a.dead) {
            send(a, new SignalMessage.Ping(pingIds.incrementAndGet(), WallClock.nowMicros()));
        }
    }

    /** Video silent this long on a live link: ask for an ICE restart over the signaling socket, which still works. */
    static final long RESTART_AFTER_MILLIS = 1_500;
    /** Video silent this long (and no ICE restart younger than {@link #RESTART_GRACE_MILLIS}): start over. */
    static final long RECONNECT_AFTER_MILLIS = 4_000;
    static final long RESTART_GRACE_MILLIS = 3_000;

    /**
     * Declares the link lost when no frame came for a while, even if ICE has not noticed yet. First it tries an ICE
     * restart on the same socket and session (the path broke: the car's address changed, a handover); only if that
     * brings no video does it reconnect from scratch.
     */
    private void watchdog() {
        Attempt a = attempt;
        if (a == null || a.dead) {
            return;
        }
        long silentMillis = (System.nanoTime() - a.lastMediaNanos) / 1_000_000;
        long restarted = a.restartNanos;
        long sinceRestart = restarted == 0 ? Long.MAX_VALUE : (System.nanoTime() - restarted) / 1_000_000;
        if (silentMillis < RESTART_AFTER_MILLIS) {
            videoBack(a);
        } else if (a.sawVideo && restarted == 0 && a.socket != null && a.socket.isOpen()) {
            a.restartNanos = System.nanoTime();
            setState(LinkState.LINK_LOST, "no video for " + silentMillis + " ms: restarting ICE");
            offer(a, true);
        } else if (a.everLive && silentMillis > RECONNECT_AFTER_MILLIS && sinceRestart > RESTART_GRACE_MILLIS) {
            fail(a, LinkState.LINK_LOST, "no video for " + silentMillis / 1000 + " s");
        } else if (!a.everLive && (System.nanoTime() - a.startedNanos) / 1_000_000 > 15_000) {
            fail(a, LinkState.LINK_LOST, "no connection after 15 s");
        }
    }

    /** Frames came again after an ICE restart was asked for: live, and the next outage may restart again. */
    private void videoBack(Attempt a) {
        long restarted = a.restartNanos;
        if (restarted == 0 || a.dead) {
            return;
        }
        a.restartNanos = 0;
        setState(LinkState.LIVE, "video back " + (System.nanoTime() - restarted) / 1_000_000
                + " ms after the ICE restart was asked for");
    }

    private void fail(Attempt a, LinkState why, String detail) {
        if (a.dead) {
            return;
        }
        a.dead = true;
        if (a.everLive) {
            backoffMillis = 500;
        }
        setState(why, detail);
        if (!closed) {
            long delay = backoffMillis;
            backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
            LOG.log(System.Logger.Level.INFO, "link: {0}; reconnecting in {1} ms", detail, delay);
            worker.schedule(() -> {
                reconnects.incrementAndGet();
                clock.reset();
                try {
                    connect();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "link: reconnect failed: {0}", e.toString());
                }
            }, delay, TimeUnit.MILLISECONDS);
        }
        teardown(a);
    }

    /** Ends an attempt: each step on its own, so one failing step cannot leave the rest (or the reconnect) undone. */
    private void teardown(Attempt a) {
        quietly("remove sink", () -> {
            if (a.remote != null) {
                a.remote.removeSink(sink);
            }
        });
        quietly("close signaling", () -> {
            if (a.socket != null && a.socket.isOpen()) {
                a.socket.close();
            }
        });
        quietly("close peer connection", () -> {
            if (a.pc != null) {
                a.pc.close();
            }
        });
        quietly("dispose placeholder track", () -> {
            if (a.placeholder != null) {
                a.placeholder.dispose();
            }
        });
        quietly("dispose placeholder source", () -> {
            if (a.placeholderSource != null) {
                a.placeholderSource.dispose();
            }
        });
        VideoFrame stale = newest.getAndSet(null);
        if (stale != null) {
            stale.release();
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void quietly(String what, Step step) {
        try {
            step.run();
        } catch (Exception | Error e) {
            LOG.log(System.Logger.Level.DEBUG, "teardown: {0} failed: {1}", what, e.toString());
        }
    }

    private void send(Attempt a, SignalMessage message) {
        Session s = a.socket;
        if (s == null || !s.isOpen() || a.dead) {
            return;
        }
        try {
            s.getAsyncRemote().sendText(codec.encode(message));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "signal send failed: {0}", e.toString());
        }
    }

    private void setState(LinkState next, String detail) {
        state = next;
        LOG.log(System.Logger.Level.INFO, "link: {0} ({1})", next.label(), detail);
        listener.onState(next, detail);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        CompletableFuture<Void> done = new CompletableFuture<>();
        worker.execute(() -> {
            Attempt a = attempt;
            if (a != null && !a.dead) {
                a.dead = true;
                send(a, new SignalMessage.Bye("console closed"));
                teardown(a);
            }
            if (factory != null) {
                factory.dispose();
            }
            if (audio != null) {
                audio.dispose();
            }
            state = LinkState.STOPPED;
            done.complete(null);
        });
        try {
            done.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "close: {0}", e.toString());
        }
        worker.shutdownNow();
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }

}
