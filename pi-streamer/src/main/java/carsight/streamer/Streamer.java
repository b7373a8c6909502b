package carsight.streamer;

import carsight.protocol.signal.SignalCodec;
import carsight.protocol.signal.SignalMessage;
import carsight.streamer.camera.Camera;
import carsight.streamer.camera.CameraSettings;
import carsight.streamer.camera.EncodedFrame;
import carsight.protocol.clock.WallClock;
import carsight.streamer.dtls.DtlsIdentity;
import carsight.streamer.dtls.DtlsWarmup;
import carsight.streamer.h264.NalUnit;
import carsight.streamer.h264.Sps;
import carsight.streamer.http.StreamerApi;
import carsight.streamer.http.StreamerHttpServer;
import carsight.streamer.http.TokenCheck;
import carsight.streamer.ice.IceConfig;
import carsight.streamer.metrics.StreamerMetrics;
import carsight.streamer.sdp.OfferRefusedException;
import carsight.streamer.sdp.SdpFormatException;
import carsight.streamer.session.FrameFanout;
import carsight.streamer.session.KeyframeRequests;
import carsight.streamer.session.RelayPublisher;
import carsight.streamer.session.RtpForwarder;
import carsight.streamer.session.SignalChannel;
import carsight.streamer.session.StreamerContext;
import carsight.streamer.session.StreamerSettings;
import carsight.streamer.session.ViewerSession;
import carsight.streamer.session.ViewerSessions;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Set;
import carsight.streamer.congestion.CameraBitrate;
import carsight.streamer.http.AuthThrottle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The streamer as a whole: one camera, its fan-out, the viewer sessions, and the HTTP/WebSocket front. Also what the
 * console's {@code --demo} runs in-process.
 */
public final class Streamer implements StreamerApi, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Streamer.class.getName());

    private final Camera camera;
    private final CameraSettings cameraSettings;
    private final StreamerMetrics metrics = new StreamerMetrics();
    private final FrameFanout fanout = new FrameFanout(300, 8 * 1024 * 1024);
    private final DtlsIdentity identity = DtlsIdentity.generate("carsight");
    private final AtomicReference<SignalMessage.StreamInfo> stream = new AtomicReference<>();
    private final StreamerContext context;
    private final ViewerSessions sessions;
    private final StreamerHttpServer http;
    private final SignalCodec codec = new SignalCodec();
    private final ThreadPoolExecutor setup;
    private final Set<SignalChannel> channels = ConcurrentHashMap.newKeySet();
    private final long startedMillis = System.currentTimeMillis();
    private final CountDownLatch firstKeyframe = new CountDownLatch(1);
    private final byte[] page;
    private volatile RtpForwarder rtpForward;
    private volatile RelayPublisher relay;
    private final CameraBitrate bitrate;
    private final java.util.concurrent.ScheduledExecutorService pathControl;
    private volatile boolean cameraAdapts = true;
    private long ticks;

    public Streamer(Camera camera, CameraSettings cameraSettings, StreamerSettings settings, IceConfig ice,
                    String listenHost, int listenPort, TokenCheck tokens) {
        this.camera = camera;
        this.cameraSettings = cameraSettings;
        long rtpBase = new SecureRandom().nextInt() & 0xFFFFFFFFL;
        stream.set(new SignalMessage.StreamInfo("H264", cameraSettings.width(), cameraSettings.height(),
                cameraSettings.fps(), "42e01f", 90_000, rtpBase, WallClock.nowMicros(), camera.describe()));
        this.context = new StreamerContext(fanout, new KeyframeRequests(camera, 500), identity, ice, settings, metrics,
                "carsight-" + Long.toHexString(rtpBase), stream::get,
                new AuthThrottle(StreamerContext.MAX_REFUSED_OFFERS));
        this.sessions = new ViewerSessions(context);
        this.setup = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(settings.maxViewers()),
                r -> {
                    Thread t = new Thread(r, "session-setup");
                    t.setDaemon(true);
                    return t;
                });
        setup.allowCoreThreadTimeOut(true); // no viewer joining for 30 s: no thread waits for one
        this.http = new StreamerHttpServer(listenHost, listenPort, this, tokens, settings.allowedOrigins(), settings.tls());
        this.page = loadPage();
        this.bitrate = new CameraBitrate(cameraSettings.bitrateBps(), Math.max(100_000, cameraSettings.bitrateBps() / 10),
                2.0 * settings.latencyBudgetMillis());
        metrics.cameraBitrate(cameraSettings.bitrateBps(), -1);
        this.pathControl = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "path-control");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the camera and the server; waits up to {@code waitMillis} for the first keyframe to learn the stream. */
    public void start(long waitMillis) throws IOException, InterruptedException {
        Thread warmup = new Thread(() -> {
            DtlsWarmup.run(identity);
            warmUpIce();
        }, "warmup");
        warmup.setDaemon(true);
        warmup.start();
        camera.start(new Camera.Listener() {
            @Override
            public void onFrame(EncodedFrame frame) {
                metrics.frameIn(frame.accessUnit().size());
                if (frame.keyframe()) {
                    learnStream(frame);
                }
                fanout.onFrame(frame);
            }

            @Override
            public void onState(Camera.CameraState state, String detail) {
                if (state == Camera.CameraState.RESTARTING) {
                    metrics.cameraRestarted();
                }
                fanout.onState(state, detail);
            }
        });
        http.start();
        pathControl.scheduleWithFixedDelay(this::controlPaths, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        if (!firstKeyframe.await(waitMillis, TimeUnit.MILLISECONDS)) {
            LOG.log(System.Logger.Level.WARNING, "camera: no picture after {0} ms; serving anyway ({1})", waitMillis,
                    fanout.cameraDetail());
        }
        warmup.join(5_000);
    }

    static final long TICK_MILLIS = 500;

    /**
     * Twice a second: fits the camera's bitrate to the viewers' paths ({@link CameraBitrate}), and once a second
     * tells each viewer how its path keeps up.
     */
    private void controlPaths() {
        try {
            long now = System.nanoTime();
            List<CameraBitrate.ViewerPath> paths = new ArrayList<>();
            for (ViewerSession session : sessions.all()) {
                paths.add(session.path(now));
            }
            if (cameraAdapts) {
                CameraBitrate.Change change = bitrate.tick(paths, now);
                if (change != null) {
                    if (camera.changeBitrate((int) change.toBps())) {
                        metrics.bitrateChanged();
                        LOG.log(System.Logger.Level.INFO, "camera: bitrate {0} → {1} kb/s: {2}", change.fromBps() / 1000,
                                change.toBps() / 1000, change.reason());
                        // the stream's description names the camera's bitrate: viewers show the new one
                        SignalMessage.StreamInfo described = stream.updateAndGet(st -> new SignalMessage.StreamInfo(st.codec(),
                                st.width(), st.height(), st.fps(), st.profileLevelId(), st.clockRate(),
                                st.rtpTimestampBase(), st.captureTimeBaseMicros(), camera.describe()));
                        for (SignalChannel channel : channels) {
                            channel.describeStream(described);
                        }
                    } else {
                        cameraAdapts = false;
                        LOG.log(System.Logger.Level.INFO, "camera: {0} cannot change its bitrate ({1}); viewers whose "
                                + "path is narrower than the stream skip frames instead", camera.describe(), change.reason());
                    }
                }
            }
            long cameraBps = cameraAdapts ? bitrate.currentBps() : cameraSettings.bitrateBps();
            for (ViewerSession session : sessions.all()) {
                session.cameraBitrate(cameraBps);
            }
            metrics.cameraBitrate(cameraBps, CameraBitrate.served(paths)
                    .map(p -> p.estimateBps().getAsLong()).orElse(-1L));
            if (++ticks % 2 == 0) {
                for (SignalChannel channel : channels) {
                    channel.reportPath(cameraBps);
                }
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "path control: {0}", e.toString());
        }
    }

    /**
     * Loads and configures ice4j once before the first viewer arrives: its first agent costs about a second of class
     * loading and configuration parsing, which would otherwise delay that viewer's first frame.
     */
    private void warmUpIce() {
        long start = System.nanoTime();
        try (carsight.streamer.ice.IceSession ice = new carsight.streamer.ice.IceSession(IceConfig.hostOnly())) {
            LOG.log(System.Logger.Level.INFO, "ICE ready: warm-up took {0} ms, {1} host candidate(s)",
                    (System.nanoTime() - start) / 1_000_000, ice.localCandidates().size());
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "ICE warm-up: {0}", e.getMessage());
        }
    }

    private void learnStream(EncodedFrame frame) {
        for (NalUnit nal : frame.accessUnit().nalUnits()) {
            if (nal.type() != NalUnit.TYPE_SPS) {
                continue;
            }
            try {
                Sps sps = Sps.parse(nal);
                SignalMessage.StreamInfo current = stream.get();
                if (!sps.profileLevelId().equals(current.profileLevelId()) || sps.width() != current.width()
                        || sps.height() != current.height() || firstKeyframe.getCount() > 0) {
                    stream.set(new SignalMessage.StreamInfo("H264", sps.width(), sps.height(),
                            sps.fps() > 0 && sps.fps() <= 1000 ? sps.fps() : cameraSettings.fps(), sps.profileLevelId(),
                            90_000, current.rtpTimestampBase(), current.captureTimeBaseMicros(), camera.describe()));
                    LOG.log(System.Logger.Level.INFO, "camera: stream is H.264 {0} (profile-level-id {1})",
                            sps.describe(), sps.profileLevelId());
                }
            } catch (IllegalArgumentException e) {
                LOG.log(System.Logger.Level.WARNING, "camera: cannot read its SPS: {0}", e.getMessage());
            }
            firstKeyframe.countDown();
            return;
        }
    }

    /** From now on also sends a plain RTP copy of the stream to {@code target} ({@code --rtp-forward}). */
    public void forwardRtp(InetSocketAddress target) throws IOException {
        if (rtpForward != null) {
            throw new IllegalStateException("the stream is already forwarded");
        }
        rtpForward = RtpForwarder.start(fanout, context::rtpTimestampOf, target);
    }

    /**
     * From now on also publishes the stream to a relay's mountpoint ({@code --relay}), made and kept up in the
     * background.
     */
    public RelayPublisher publishTo(carsight.protocol.relay.RelayAddress address, String adminKey, String secret)
            throws IOException {
        if (relay != null) {
            throw new IllegalStateException("the stream is already published to a relay");
        }
        relay = RelayPublisher.start(context, address, adminKey, secret,
                new carsight.protocol.relay.JanusHttp(address.api()));
        return relay;
    }

    public int port() {
        return http.port();
    }

    /** Whether the port speaks HTTPS/WSS. */
    public boolean secure() {
        return http.secure();
    }

    public String host() {
        return http.host();
    }

    public StreamerMetrics metrics() {
        return metrics;
    }

    public ViewerSessions sessions() {
        return sessions;
    }

    public SignalMessage.StreamInfo streamInfo() {
        return stream.get();
    }

    @Override
    public String healthJson() {
        SignalMessage.StreamInfo s = stream.get();
        return String.format(Locale.ROOT, "{\"status\":\"%s\",\"camera\":{\"state\":\"%s\",\"source\":%s,\"detail\":%s},"
                        + "\"stream\":{\"width\":%d,\"height\":%d,\"fps\":%.2f,\"profileLevelId\":\"%s\"},"
                        + "\"viewers\":%d,\"framesIn\":%d,\"uptimeS\":%d}",
                fanout.cameraState() == Camera.CameraState.RUNNING ? "ok" : "degraded",
                fanout.cameraState().name().toLowerCase(Locale.ROOT), jsonString(camera.describe()),
                jsonString(fanout.cameraDetail()), s.width(), s.height(), s.fps(), s.profileLevelId(), sessions.count(),
                metrics.framesIn(), (System.currentTimeMillis() - startedMillis) / 1000);
    }

    @Override
    public String metricsText() {
        StringBuilder out = new StringBuilder(metrics.prometheus());
        out.append("# HELP carsight_viewer_rtt_ms Round-trip time to each viewer, from its RTCP receiver reports.\n")
                .append("# TYPE carsight_viewer_rtt_ms gauge\n");
        StringBuilder loss = new StringBuilder("# HELP carsight_viewer_loss_ratio Fraction of packets each viewer "
                + "reported lost in its last receiver report.\n# TYPE carsight_viewer_loss_ratio gauge\n");
        for (ViewerSession session : sessions.all()) {
            if (session.sendPath().rttMillis() >= 0) {
                out.append(String.format(Locale.ROOT, "carsight_viewer_rtt_ms{viewer=\"%s\"} %.1f%n", session.id(),
                        session.sendPath().rttMillis()));
            }
            loss.append(String.format(Locale.ROOT, "carsight_viewer_loss_ratio{viewer=\"%s\"} %.4f%n", session.id(),
                    session.sendPath().lossFraction()));
        }
        return out.append(loss).toString();
    }

    @Override
    public byte[] viewerPage() {
        return page;
    }

    @Override
    public WhepResult whepOffer(String sdp, String remoteAddress) {
        long wait = context.refusedOffers().blockedSeconds(remoteAddress);
        if (wait > 0) {
            return WhepResult.refused(429, "too many refused offers from this address: try again in " + wait + " s");
        }
        try {
            ViewerSession session = sessions.open(sdp, remoteAddress + " (WHEP)", new ViewerSession.Events() { });
            return WhepResult.created(session.answerSdp(), session.id());
        } catch (SdpFormatException e) {
            context.refusedOffers().failure(remoteAddress);
            return WhepResult.refused(400, "the offer is not valid SDP: " + e.getMessage());
        } catch (OfferRefusedException e) {
            context.refusedOffers().failure(remoteAddress);
            LOG.log(System.Logger.Level.INFO, "WHEP: refused an offer from {0}: {1}", remoteAddress, e.getMessage());
            return WhepResult.refused(400, e.getMessage());
        } catch (ViewerSessions.BusyException e) {
            return WhepResult.refused(503, e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "WHEP: session setup failed for {0}: {1}", remoteAddress, e.toString());
            return WhepResult.refused(500, "the streamer could not set up the session: " + e.getMessage());
        }
    }

    @Override
    public boolean whepDelete(String id) {
        ViewerSession session = sessions.find(id);
        if (session == null) {
            return false;
        }
        session.close("viewer ended the WHEP session");
        return true;
    }

    @Override
    public SignalPeer openSignal(SignalConnection connection, String remoteAddress) {
        SignalChannel channel = new SignalChannel(connection, sessions, context, setup, codec);
        channels.add(channel);
        return new SignalPeer() {
            @Override
            public void onText(String text) {
                channel.onText(text);
            }

            @Override
            public void onClose(String reason) {
                channels.remove(channel);
                channel.onClose(reason);
            }
        };
    }

    /** Ends every session with a bye, stops the camera and the server. */
    @Override
    public void close() {
        for (SignalChannel channel : channels) {
            channel.bye("streamer shutting down");
        }
        pathControl.shutdownNow();
        sessions.closeAll("streamer shutting down");
        if (relay != null) {
            relay.close();
        }
        if (rtpForward != null) {
            rtpForward.close();
        }
        camera.close();
        setup.shutdownNow();
        http.close();
    }

    private static byte[] loadPage() {
        try (InputStream in = Streamer.class.getResourceAsStream("/carsight/streamer/http/viewer.html")) {
            if (in == null) {
                throw new IllegalStateException("the viewer page is missing from the streamer's jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the viewer page: " + e.getMessage(), e);
        }
    }

    static String jsonString(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : (s == null ? "" : s).toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
