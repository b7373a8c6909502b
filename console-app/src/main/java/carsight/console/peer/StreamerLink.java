package carsight.console.peer;

import carsight.console.latency.FrameLatency;
import carsight.console.latency.FrameTiming;
import carsight.console.latency.RelayTimestamps;
import carsight.console.video.Picture;
import carsight.protocol.clock.ClockOffset;
import carsight.protocol.clock.WallClock;
import carsight.protocol.relay.JanusHttp;
import carsight.protocol.relay.RelayAddress;
import carsight.protocol.signal.SignalMessage;
import carsight.protocol.timecode.TimecodeWord;
import carsight.receiver.CertificatePins;
import carsight.receiver.InboundVideo;
import carsight.receiver.LinkState;
import carsight.receiver.LinkSupervisor;
import carsight.receiver.NewestFrame;
import carsight.receiver.ReceiverPeer;
import carsight.receiver.RelayWatch;
import carsight.receiver.SignalClient;
import dev.onvoid.webrtc.RTCIceConnectionState;
import dev.onvoid.webrtc.RTCRtpSynchronizationSource;
import dev.onvoid.webrtc.media.video.VideoFrame;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The console's link to a streamer: it puts together the {@link SignalClient signaling socket}, the
 * {@link ReceiverPeer libwebrtc receiver}, the {@link NewestFrame newest-frame slot} and the
 * {@link LinkSupervisor supervisor} that decides on ICE restarts and reconnects, and adds what only the console does:
 * clock sync, per-frame latency and the statistics shown to the operator.
 *
 * <p>Threads: libwebrtc's native threads deliver frames; everything else — signaling messages, peer events, clock
 * pings, synchronization-source polls, statistics, the supervisor — runs on one scheduler thread of ours. Nothing
 * here touches JavaFX; the listener hands values to the UI.
 */
public final class StreamerLink implements AutoCloseable, Picture.Source {

    private static final System.Logger LOG = System.getLogger(StreamerLink.class.getName());
    /** Benchmarks only ({@code -Dcarsight.playout-delay=off}): offer without the playout-delay extension, the libwebrtc default path. */
    private static final boolean PLAYOUT_DELAY_OFF = "off".equals(System.getProperty("carsight.playout-delay"));

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

        /** For one frame with a timecode: what the meter said minus the truth, ms. */
        default void onMeterError(double millis) {
        }

        /** A new picture reached the screen, at {@code screenMicros} (the console's wall clock). */
        default void onPictureShown(long screenMicros) {
        }

        /** Capture → on screen from the frame's own timecode (test pattern only), ms, for the picture shown then. */
        default void onTruth(double millis, long screenMicros) {
        }

        default void onStats(LinkStats stats) {
        }

        /** A new decoded frame is waiting in {@link #takeNewest()}. */
        default void onFrameReady() {
        }
    }

    private final URI streamer;
    /** Set when the address is a relay's: the car is watched through Janus instead of over its own /signal. */
    private final RelayAddress relay;
    private final RelayTimestamps relayTimestamps = new RelayTimestamps();
    /** Janus's API, one HTTP client for the link's life (null when the address is a streamer's). */
    private final JanusHttp janus;
    private final java.util.concurrent.ExecutorService relayOpener = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "relay-open");
        t.setDaemon(true);
        return t;
    });
    private final String token;
    private final Listener listener;
    private final CertificatePins pins;
    private final ClockOffset clock = new ClockOffset(32);
    private final FrameTiming timing = new FrameTiming(clock);
    private final LinkSupervisor supervisor = new LinkSupervisor();
    private final ReceiverStats stats = new ReceiverStats();
    private final NewestFrame<VideoFrame> newest = new NewestFrame<>(VideoFrame::release);
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "streamer-link");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong framesShown = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong pingIds = new AtomicLong();
    private final Map<Long, Double> truthByScreenTime = new ConcurrentHashMap<>();
    private final carsight.protocol.signal.SignalCodec relayCodec = new carsight.protocol.signal.SignalCodec();

    private ReceiverPeer.Engine engine;
    /** The current socket and peer; replaced on every reconnect. Written on the worker only. */
    private volatile Attempt attempt;
    private volatile boolean closed;
    private volatile LinkState state = LinkState.STOPPED;
    private volatile String certificate;
    private volatile long connectStartedNanos;
    private volatile long firstFrameMillis = -1;

    public StreamerLink(URI streamer, String token, Listener listener) {
        this(streamer, token, listener, CertificatePins.remembered());
    }

    /** @param pins certificates trusted for https:// streamers (pinned on first use) */
    public StreamerLink(URI streamer, String token, Listener listener, CertificatePins pins) {
        this.streamer = streamer;
        this.relay = RelayAddress.looksLikeRelay(streamer.toString()) ? RelayAddress.parse(streamer.toString()) : null;
        this.janus = relay == null ? null : new JanusHttp(relay.api());
        this.token = token;
        this.listener = listener;
        this.pins = pins;
    }


    /** One connection attempt: a socket and a peer that live and die together. */
    private final class Attempt {
        final List<SignalMessage.IceServerInfo> iceServers = new CopyOnWriteArrayList<>();
        SignalClient signal;
        ReceiverPeer peer;
        RelayWatch watch;
        boolean ended;

        boolean current() {
            return attempt == this && !ended;
        }
    }

    public void start() {
        worker.execute(() -> {
            engine = new ReceiverPeer.Engine();
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

    // --- the attempt's life: on the worker ---

    private void connect() {
        if (closed) {
            return;
        }
        if (connectStartedNanos == 0) {
            connectStartedNanos = System.nanoTime();
        }
        Attempt a = new Attempt();
        attempt = a;
        apply(a, supervisor.connecting(System.nanoTime(), streamer.toString()));
        if (relay != null) {
            connectThroughRelay(a);
            return;
        }
        try {
            a.signal = SignalClient.open(streamer, token, pins, this::onCertificate, new SignalClient.Handler() {
                @Override
                public void onMessage(SignalMessage message, long receivedMicros) {
                    onSignal(a, message, receivedMicros);
                }

                @Override
                public void onClosed(int code, String reason) {
                    onWorker(() -> {
                        if (a.current()) {
                            apply(a, supervisor.signalClosed(code, reason));
                        }
                    });
                }
            });
            watchOpening(a, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        } catch (Exception e) {
            apply(a, supervisor.failed(LinkState.LINK_LOST, "cannot connect: " + e.getMessage()));
        }
    }

    /**
     * Through a relay: Janus offers (video and the data channel with the car's frame times), our peer answers. The
     * car's clock is taken to be ours (both keep NTP time): there is no path back to the car to measure it.
     */
    private void connectThroughRelay(Attempt a) {
        relayTimestamps.reset();
        clock.reset();
        clock.assumeSynchronized();
        clock.estimate().ifPresent(listener::onClock);
        try {
            a.peer = new ReceiverPeer(engine, ReceiverPeer.Options.answering(List.of()), worker, relayEvents(a),
                    this::onFrame);
        } catch (RuntimeException e) {
            apply(a, supervisor.failed(LinkState.LINK_LOST, "cannot set up the peer connection: " + e.getMessage()));
            return;
        }
        ReceiverPeer peer = a.peer;
        try {
            relayOpener.execute(() -> {
                if (!a.current()) {
                    return; // ended while this waited its turn
                }
                RelayWatch watch;
                try {
                    watch = RelayWatch.open(janus, relay, peer, reason -> onWorker(() -> {
                        if (a.current()) {
                            apply(a, supervisor.failed(LinkState.LINK_LOST, reason));
                        }
                    }));
                } catch (java.io.IOException | RuntimeException e) {
                    onWorker(() -> {
                        if (a.current()) {
                            apply(a, supervisor.failed(LinkState.LINK_LOST, "relay " + relay + ": " + e.getMessage()));
                        }
                    });
                    return;
                }
                try {
                    worker.execute(() -> {
                        if (!a.current()) {
                            closeWatchAside(watch); // never a session left polling for an attempt that ended
                            return;
                        }
                        a.watch = watch;
                        if (state != LinkState.LIVE) { // ICE may have connected while the watch was being started
                            apply(a, supervisor.negotiating("answered the relay's offer"));
                        }
                    });
                } catch (RejectedExecutionException e) {
                    watch.close(); // the link closed meanwhile
                }
            });
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /** Ends a watch off the worker: its session's destroy is an HTTP request that may wait on a dead relay. */
    private void closeWatchAside(RelayWatch watch) {
        try {
            relayOpener.execute(watch::close);
        } catch (RejectedExecutionException e) {
            Thread t = new Thread(watch::close, "relay-close");
            t.setDaemon(true);
            t.start();
        }
    }

    private ReceiverPeer.Events relayEvents(Attempt a) {
        return new ReceiverPeer.Events() {
            @Override
            public void onCandidate(SignalMessage.Candidate candidate) {
                // gathered into the answer: nothing is trickled to Janus
            }

            @Override
            public void onIceState(RTCIceConnectionState ice) {
                if (a.current()) {
                    apply(a, supervisor.ice(ice, System.nanoTime()));
                }
            }

            @Override
            public void onDataMessage(String text, long receivedMicros) {
                if (!a.current()) {
                    return;
                }
                try {
                    SignalMessage message = relayCodec.decode(text);
                    if (message instanceof SignalMessage.FrameInfo f) {
                        relayTimestamps.onFrameMessage(f.rtpTimestamp(), receivedMicros);
                        timing.onReport(f.rtpTimestamp(), f.captureTimeMicros(), f.sendTimeMicros());
                    } else if (message instanceof SignalMessage.StreamInfo info) {
                        listener.onStream(info);
                    }
                } catch (carsight.protocol.signal.SignalFormatException e) {
                    LOG.log(System.Logger.Level.DEBUG, "relay data channel: {0}", e.getMessage());
                }
            }
        };
    }

    private void onCertificate(String fingerprint, boolean firstUse) {
        if (!fingerprint.equals(certificate)) {
            certificate = fingerprint;
            LOG.log(System.Logger.Level.INFO, "TLS: {0} presents SHA-256 {1}{2}", streamer.getAuthority(), fingerprint,
                    firstUse ? " — pinned now, on first use: compare it with the streamer's" : " (pinned)");
            listener.onCertificate(fingerprint, firstUse);
        }
    }

    /**
     * Fails the attempt as soon as the socket cannot open (a refused connection: the streamer is not up yet), or after
     * the deadline (no answer at all), instead of always waiting out the deadline.
     */
    private void watchOpening(Attempt a, long deadlineNanos) {
        if (!a.current() || a.signal.isOpen()) {
            return;
        }
        String failure = a.signal.openFailure();
        if (failure != null) {
            apply(a, supervisor.failed(LinkState.LINK_LOST, "cannot reach " + streamer + ": " + failure));
        } else if (System.nanoTime() > deadlineNanos) {
            apply(a, supervisor.failed(LinkState.LINK_LOST, "cannot reach " + streamer + " (no answer in 5 s)"));
        } else {
            worker.schedule(() -> watchOpening(a, deadlineNanos), 100, TimeUnit.MILLISECONDS);
        }
    }

    /** On a Tyrus thread: clock replies are taken at once (their arrival time matters), the rest goes to the worker. */
    private void onSignal(Attempt a, SignalMessage message, long receivedMicros) {
        if (message instanceof SignalMessage.Pong p) {
            clock.add(p.clientTimeMicros(), p.serverReceiveMicros(), p.serverSendMicros(), receivedMicros);
            clock.estimate().ifPresent(listener::onClock);
        } else if (message instanceof SignalMessage.PathInfo path) {
            listener.onPath(path);
        } else if (message instanceof SignalMessage.StreamInfo s) {
            listener.onStream(s);
        } else if (message instanceof SignalMessage.IceServerInfo info) {
            a.iceServers.add(info);
        } else {
            onWorker(() -> {
                if (a.current()) {
                    handle(a, message);
                }
            });
        }
    }

    private void handle(Attempt a, SignalMessage message) {
        if (message instanceof SignalMessage.FrameInfo f) {
            timing.onReport(f.rtpTimestamp(), f.captureTimeMicros(), f.sendTimeMicros());
        } else if (message instanceof SignalMessage.Hello && a.peer == null) {
            try {
                a.peer = new ReceiverPeer(engine, new ReceiverPeer.Options(List.copyOf(a.iceServers), false,
                        PLAYOUT_DELAY_OFF), worker, peerEvents(a), this::onFrame);
                offer(a, false);
            } catch (RuntimeException e) {
                apply(a, supervisor.failed(LinkState.LINK_LOST, "cannot set up the peer connection: " + e.getMessage()));
            }
        } else if (message instanceof SignalMessage.Answer answer && a.peer != null) {
            a.peer.accept(answer.sdp()).whenComplete((ok, e) -> {
                if (e != null) {
                    onWorker(() -> {
                        if (a.current()) {
                            apply(a, supervisor.failed(LinkState.LINK_LOST, e.getMessage()));
                        }
                    });
                }
            });
        } else if (message instanceof SignalMessage.Candidate c && a.peer != null) {
            a.peer.addCandidate(c);
        } else if (message instanceof SignalMessage.ErrorMessage e) {
            LOG.log(System.Logger.Level.WARNING, "streamer says: {0}: {1}", e.code(), e.message());
            if (e.code().equals("offer-refused") || e.code().equals("busy") || e.code().equals("internal")) {
                apply(a, supervisor.failed(LinkState.LINK_LOST, e.message()));
            }
        } else if (message instanceof SignalMessage.Bye bye) {
            apply(a, supervisor.failed(LinkState.LINK_LOST, "the streamer ended the session: " + bye.reason()));
        }
    }

    private ReceiverPeer.Events peerEvents(Attempt a) {
        return new ReceiverPeer.Events() {
            @Override
            public void onCandidate(SignalMessage.Candidate candidate) {
                a.signal.candidate(candidate);
            }

            @Override
            public void onIceState(RTCIceConnectionState ice) {
                if (a.current()) {
                    if (ice == RTCIceConnectionState.CONNECTED || ice == RTCIceConnectionState.COMPLETED) {
                        LOG.log(System.Logger.Level.DEBUG, "link: ICE {0}", ice.name().toLowerCase());
                    }
                    apply(a, supervisor.ice(ice, System.nanoTime()));
                }
            }
        };
    }

    /** Offers; with {@code iceRestart} new ICE credentials on the same peer, the rest unchanged. */
    private void offer(Attempt a, boolean iceRestart) {
        a.signal.holdCandidates();
        a.peer.offer(iceRestart).whenComplete((sdp, e) -> onWorker(() -> {
            if (!a.current()) {
                return;
            }
            if (e != null) {
                apply(a, supervisor.failed(LinkState.LINK_LOST, e.getMessage()));
                return;
            }
            a.signal.offer(new SignalMessage.Offer(sdp));
            if (!iceRestart) {
                apply(a, supervisor.offered());
            }
        }));
    }

    private void watchdog() {
        Attempt a = attempt;
        if (a != null && a.current()) {
            boolean open = relay != null ? a.watch != null : a.signal != null && a.signal.isOpen();
            apply(a, supervisor.tick(System.nanoTime(), open));
        }
    }

    /** Carries out what the supervisor decided, for this attempt only. */
    private void apply(Attempt a, List<LinkSupervisor.Action> actions) {
        for (LinkSupervisor.Action action : actions) {
            if (action instanceof LinkSupervisor.SetState s) {
                setState(s.state(), s.detail());
            } else if (action instanceof LinkSupervisor.RestartIce && a.peer != null && relay == null) {
                offer(a, true); // through a relay Janus offers: the supervisor starts over instead, a moment later
            } else if (action instanceof LinkSupervisor.StartOver over) {
                end(a);
                if (!closed) {
                    LOG.log(System.Logger.Level.INFO, "link: {0}; reconnecting in {1} ms", over.reason(), over.delayMillis());
                    worker.schedule(() -> {
                        reconnects.incrementAndGet();
                        clock.reset();
                        try {
                            connect();
                        } catch (RuntimeException e) {
                            LOG.log(System.Logger.Level.WARNING, "link: reconnect failed: {0}", e.toString());
                        }
                    }, over.delayMillis(), TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    /** Ends an attempt: the peer (sink first), then the socket; a frame nobody took is released. */
    private void end(Attempt a) {
        a.ended = true;
        if (a.watch != null) {
            closeWatchAside(a.watch);
        }
        if (a.peer != null) {
            a.peer.close();
        }
        if (a.signal != null) {
            a.signal.close();
        }
        newest.clear();
    }

    private void onWorker(Runnable task) {
        try {
            worker.execute(task);
        } catch (RejectedExecutionException e) {
            // closed: nothing left to do
        }
    }

    private void setState(LinkState next, String detail) {
        state = next;
        LOG.log(System.Logger.Level.INFO, "link: {0} ({1})", next.label(), detail);
        listener.onState(next, detail);
    }

    // --- frames: the native sink thread, then the renderer's ---

    /** Native sink thread: keep the newest frame (the slot releases the one it replaces). */
    private void onFrame(VideoFrame frame) {
        long sinkMicros = WallClock.nowMicros();
        long now = System.nanoTime();
        newest.put(frame, sinkMicros);
        Attempt a = attempt;
        onWorker(() -> {
            if (a != null && a.current()) {
                apply(a, supervisor.frame(now));
            }
        });
        listener.onFrameReady();
    }

    /**
     * The newest decoded frame, or null; the caller must report it {@link Picture#shown shown} or
     * {@link Picture#discard discarded}, which releases it.
     */
    @Override
    public Picture takeNewest() {
        NewestFrame.Arrival<VideoFrame> arrival = newest.take();
        return arrival == null ? null : new DecodedFrame(arrival.frame(), arrival.sinkMicros(), shownFrames);
    }

    /** Frames on screen: counted, held against their timecode (the truth), and timed. */
    private final DecodedFrame.Owner shownFrames = new DecodedFrame.Owner() {
        @Override
        public boolean closed() {
            return closed;
        }

        @Override
        public void shown(long sinkMicros, long screenMicros, Optional<TimecodeWord.Timecode> timecode) {
            framesShown.incrementAndGet();
            if (firstFrameMillis < 0) {
                firstFrameMillis = (System.nanoTime() - connectStartedNanos) / 1_000_000;
            }
            listener.onPictureShown(screenMicros);
            timecode.ifPresent(t -> {
                double truth = (screenMicros - t.captureTimeNear(screenMicros)) / 1000.0;
                listener.onTruth(truth, screenMicros);
                if (truthByScreenTime.size() > 600) {
                    truthByScreenTime.clear(); // frames whose meter value never came: forget them
                }
                truthByScreenTime.put(screenMicros, truth);
            });
            onWorker(() -> {
                timing.onShown(sinkMicros, screenMicros);
                drainTiming();
            });
        }
    };

    // --- timing and statistics: on the worker ---

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
        if (a == null || !a.current() || a.peer == null) {
            return;
        }
        try {
            long polled = WallClock.nowMicros();
            long nanoNow = System.nanoTime();
            for (RTCRtpSynchronizationSource source : a.peer.syncSources()) {
                // arrival is on libwebrtc's monotonic clock (µs), the same clock as System.nanoTime
                long arrivalWall = polled - (nanoNow / 1000 - source.timestamp);
                if (relay == null) {
                    timing.onArrival(source.rtpTimestamp, arrivalWall, polled);
                } else { // the relay's own timestamps: the car's once the difference is learnt
                    java.util.OptionalLong car = relayTimestamps.toCar(source.rtpTimestamp, arrivalWall, polled);
                    if (car.isPresent()) {
                        timing.onArrival(car.getAsLong(), arrivalWall, polled);
                    }
                }
            }
            drainTiming();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "sync source poll failed: {0}", e.toString());
        }
    }

    private void pollStats() {
        Attempt a = attempt;
        if (a != null && a.current() && a.peer != null) {
            a.peer.stats(inbound -> {
                stats.next(inbound, System.nanoTime()).ifPresent(d -> timing.onReceiverDelays(d.jitterMillis(), d.decodeMillis()));
                listener.onStats(stats.linkStats(state.label(), inbound));
            });
        }
    }

    private void ping() {
        Attempt a = attempt;
        if (a != null && a.current() && a.signal != null && a.signal.isOpen()) {
            a.signal.send(new SignalMessage.Ping(pingIds.incrementAndGet(), WallClock.nowMicros()));
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        relayOpener.shutdownNow(); // a watch being opened stops (its peer is closed below, before the engine)
        try {
            relayOpener.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        worker.execute(() -> {
            Attempt a = attempt;
            if (a != null && !a.ended) {
                if (a.signal != null) {
                    a.signal.send(new SignalMessage.Bye("console closed"));
                }
                end(a);
            }
            if (engine != null) {
                engine.close();
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
}
