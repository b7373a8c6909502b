package carsight.streamer.it;

import carsight.protocol.clock.WallClock;
import carsight.protocol.signal.SignalMessage;
import carsight.receiver.CertificatePins;
import carsight.receiver.InboundVideo;
import carsight.receiver.ReceiverPeer;
import carsight.receiver.SignalClient;
import dev.onvoid.webrtc.RTCIceConnectionState;
import dev.onvoid.webrtc.media.video.VideoFrame;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The console's receiver ({@link SignalClient} and {@link ReceiverPeer}, webrtc-java) run as its own JVM inside a test
 * namespace: it connects to a streamer over {@code /signal}, offers recvonly H.264, counts decoded frames, reads the
 * frame timecode from the decoded luma and writes a JSON summary. Integration tests start it with
 * {@code ip netns exec}.
 *
 * <p>It watches for {@code SECONDS} from its first rendered frame (a cold machine's slow start does not shorten the
 * run) and fails loudly: no {@code hello}, no answer, an {@code error} from the streamer or no video at all end it with a
 * non-zero exit and a {@code failure} field naming what was missing. When the first frame is rendered it prints
 * {@value #FIRST_FRAME} to stdout, for tests that act once video flows; a file {@code OUTPUT.json.stop} ends the run
 * early.
 *
 * <p>Arguments: {@code URL TOKEN SECONDS OUTPUT.json [relay-only turn:URL user pass | relay-only from-streamer]}.
 */
public final class WebrtcReceiverProbe {

    /** Printed once, when the first frame has been rendered. */
    public static final String FIRST_FRAME = "probe: first frame rendered";
    static final int HELLO_SECONDS = 15;
    static final int ANSWER_SECONDS = 30;
    static final int FIRST_FRAME_SECONDS = 30;

    /** The run cannot go on; {@code main} writes the summary with the reason and exits non-zero. */
    static final class ProbeFailure extends Exception {
        ProbeFailure(String message) {
            super(message);
        }
    }

    private final AtomicLong framesRendered = new AtomicLong();
    private final AtomicLong framesAnnounced = new AtomicLong();
    private final List<Double> sendDelayMicros = Collections.synchronizedList(new ArrayList<>());
    /** The last 3600 frames with a timecode: [when rendered (Unix ms), truth latency ms]. */
    private final java.util.ArrayDeque<double[]> truthSeries = new java.util.ArrayDeque<>();
    /** The last 600 {@code frame} messages' capture and send times (µs since the epoch). */
    private final java.util.ArrayDeque<long[]> frameTimes = new java.util.ArrayDeque<>();
    private final AtomicLong announcedAfterFirstFrame = new AtomicLong();
    private final AtomicLong framesWithTimecode = new AtomicLong();
    private final List<Double> truthLatencyMs = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong firstFrameNanos = new AtomicLong();
    private final List<SignalMessage.IceServerInfo> iceServers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final CountDownLatch hello = new CountDownLatch(1);
    private final CountDownLatch firstFrame = new CountDownLatch(1);
    private final CompletableFuture<String> streamerError = new CompletableFuture<>();
    private final AtomicLong lastFrameNanos = new AtomicLong();
    private final AtomicLong longestGapNanos = new AtomicLong();
    private volatile int width;
    private volatile int height;
    private volatile String iceState = "new";
    private volatile String remoteDescriptionFailure;
    private volatile String signalClosed;
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch gotAnswer = new CountDownLatch(1);
    private volatile SignalClient signal;
    private volatile ReceiverPeer peer;

    public static void main(String[] args) throws Exception {
        int code = 1;
        WebrtcReceiverProbe probe = new WebrtcReceiverProbe();
        try {
            code = probe.run(args);
        } catch (ProbeFailure f) {
            System.out.println("probe failed: " + f.getMessage());
            probe.writeFailure(Path.of(args[3]), f.getMessage());
            code = 2;
        } catch (Throwable t) {
            t.printStackTrace();
            probe.writeFailure(Path.of(args[3]), t.toString());
        }
        System.out.flush();
        Runtime.getRuntime().halt(code); // libwebrtc's native threads are not daemon threads
    }

    private void writeFailure(Path out, String why) {
        try {
            Files.writeString(out, "{\"failure\":\"" + why.replace("\\", "/").replace("\"", "'") + "\",\"iceState\":\""
                    + iceState + "\",\"framesRendered\":" + framesRendered.get() + ",\"log\":" + logJson() + "}");
        } catch (Exception e) {
            e.printStackTrace();
        }
    }

    private String logJson() {
        StringBuilder json = new StringBuilder("[");
        synchronized (log) {
            for (int i = 0; i < log.size(); i++) {
                json.append(i == 0 ? "" : ",").append('"').append(log.get(i).replace("\\", "/").replace("\"", "'")).append('"');
            }
        }
        return json.append(']').toString();
    }

    /** Waits for {@code latch}; a streamer's {@code error} or the time running out ends the run with {@code what}. */
    private void await(CountDownLatch latch, int seconds, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!latch.await(100, TimeUnit.MILLISECONDS)) {
            if (streamerError.isDone()) {
                throw new ProbeFailure("the streamer said " + streamerError.get() + " (while waiting for " + what + ")");
            }
            if (signalClosed != null) {
                throw new ProbeFailure("the signaling socket closed (" + signalClosed + ") while waiting for " + what);
            }
            if (System.nanoTime() > deadline) {
                throw new ProbeFailure("no " + what + " within " + seconds + " s (ICE " + iceState + ")");
            }
        }
    }

    private int run(String[] args) throws Exception {
        URI base = URI.create(args[0]);
        String token = args[1];
        int seconds = Integer.parseInt(args[2]);
        Path out = Path.of(args[3]);
        boolean relayOnly = args.length > 4 && args[4].equals("relay-only");
        boolean serversFromStreamer = relayOnly && args[5].equals("from-streamer");

        ReceiverPeer.Engine engine = new ReceiverPeer.Engine();
        long connectStart = System.nanoTime();
        signal = SignalClient.open(base, token, CertificatePins.inMemory(), (f, first) -> { }, new SignalClient.Handler() {
            @Override
            public void onOpen() {
                // the token also in a first hello (the protocol's other way): the probe says nothing else before the
                // streamer's hello, and a socket that shows no token is closed after 10 s
                signal.send(SignalMessage.Hello.viewer(token, "probe"));
            }

            @Override
            public void onMessage(SignalMessage message, long receivedMicros) {
                onSignal(message);
            }

            @Override
            public void onClosed(int code, String reason) {
                note("signal closed " + code + " " + reason);
                signalClosed = code + " " + reason;
            }
        });

        await(hello, HELLO_SECONDS, "hello from the streamer");
        List<SignalMessage.IceServerInfo> servers = List.of();
        if (serversFromStreamer) {
            servers = List.copyOf(iceServers);
            servers.forEach(info -> note("ice server from the streamer: " + info.urls() + " expires " + info.expiresAt()));
        } else if (relayOnly) {
            servers = List.of(new SignalMessage.IceServerInfo(args[5], args[6], args[7], null));
        }
        java.util.concurrent.ExecutorService events = java.util.concurrent.Executors.newSingleThreadExecutor();
        peer = new ReceiverPeer(engine, new ReceiverPeer.Options(servers, relayOnly,
                System.getenv("PROBE_NO_PLAYOUT_DELAY") != null), events, new ReceiverPeer.Events() {
            @Override
            public void onCandidate(SignalMessage.Candidate candidate) {
                signal.candidate(candidate);
            }

            @Override
            public void onIceState(RTCIceConnectionState state) {
                iceState = state.name().toLowerCase();
                note("ice " + iceState);
            }

            @Override
            public void onVideoTrack() {
                note("video track");
            }
        }, this::onFrame);
        signal.holdCandidates();
        signal.offer(new SignalMessage.Offer(peer.offer(false).get(10, TimeUnit.SECONDS)));
        await(gotAnswer, ANSWER_SECONDS, "answer to the offer");
        if (remoteDescriptionFailure != null) {
            throw new ProbeFailure("the streamer's answer was not accepted: " + remoteDescriptionFailure);
        }
        await(firstFrame, FIRST_FRAME_SECONDS, "video frame after the answer");
        System.out.println(FIRST_FRAME + " " + (firstFrameNanos.get() - connectStart) / 1_000_000 + " ms after connecting");
        System.out.flush();

        long end = firstFrameNanos.get() + TimeUnit.SECONDS.toNanos(seconds);
        Path stop = Path.of(out + ".stop"); // a test may end the run early
        while (System.nanoTime() < end && !Files.exists(stop)) {
            Thread.sleep(Math.max(1, Math.min(200, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
            if (streamerError.isDone()) {
                throw new ProbeFailure("the streamer said " + streamerError.get());
            }
        }
        long renderedAtEnd = framesRendered.get();
        long announcedAtEnd = framesAnnounced.get();
        long announcedSinceFirst = announcedAfterFirstFrame.get();
        InboundVideo inbound = InboundVideo.of(peer.report().get(5, TimeUnit.SECONDS));
        String metrics = fetch(base.resolve("/metrics"));
        long first = firstFrameNanos.get();
        StringBuilder json = new StringBuilder("{");
        json.append("\"framesRendered\":").append(renderedAtEnd);
        json.append(",\"framesAnnounced\":").append(announcedAtEnd);
        json.append(",\"framesAnnouncedSinceFirstFrame\":").append(announcedSinceFirst);
        json.append(",\"streamerRetransmissions\":").append(metric(metrics, "carsight_retransmissions_total"));
        json.append(",\"streamerNacks\":").append(metric(metrics, "carsight_nacks_received_total"));
        json.append(",\"streamerViewers\":").append(metric(metrics, "carsight_viewers"));
        json.append(",\"framesWithTimecode\":").append(framesWithTimecode.get());
        json.append(",\"width\":").append(width).append(",\"height\":").append(height);
        json.append(",\"firstFrameMs\":").append(first == 0 ? -1 : (first - connectStart) / 1_000_000);
        json.append(",\"iceState\":\"").append(iceState).append('"');
        json.append(",\"longestGapMs\":").append(longestGapNanos.get() / 1_000_000);
        json.append(",\"truthLatencyP50Ms\":").append(percentile(truthLatencyMs, 0.5));
        json.append(",\"truthLatencyP95Ms\":").append(percentile(truthLatencyMs, 0.95));
        json.append(",\"auInToLastPacketP50Us\":").append(percentile(sendDelayMicros, 0.5));
        json.append(",\"auInToLastPacketP99Us\":").append(percentile(sendDelayMicros, 0.99));
        for (String key : List.of("framesDecoded", "framesDropped", "nackCount", "pliCount", "packetsLost", "packetsReceived", "freezeCount")) {
            Object v = inbound.attributes().get(key);
            json.append(",\"").append(key).append("\":").append(v == null ? "null" : v.toString());
        }
        json.append(",\"truthSeries\":[");
        synchronized (truthSeries) {
            String sep = "";
            for (double[] t : truthSeries) {
                json.append(sep).append(String.format(java.util.Locale.ROOT, "[%.1f,%.1f]", t[0], t[1]));
                sep = ",";
            }
        }
        json.append(']');
        json.append(",\"frameTimes\":[");
        synchronized (frameTimes) {
            String sep = "";
            for (long[] t : frameTimes) {
                json.append(sep).append('[').append(t[0]).append(',').append(t[1]).append(']');
                sep = ",";
            }
        }
        json.append(']');
        json.append(",\"log\":").append(logJson()).append('}');
        Files.writeString(out, json.toString());
        System.out.println(json);
        return 0;
    }

    private void onSignal(SignalMessage message) {
        try {
            if (message instanceof SignalMessage.IceServerInfo info) {
                iceServers.add(info);
            } else if (message instanceof SignalMessage.Hello) {
                hello.countDown();
            } else if (message instanceof SignalMessage.Answer answer) {
                peer.accept(answer.sdp()).whenComplete((v, e) -> {
                    note(e == null ? "remote description set" : "remote description failed: " + e.getMessage());
                    if (e != null) {
                        remoteDescriptionFailure = e.getMessage();
                    }
                    gotAnswer.countDown();
                });
            } else if (message instanceof SignalMessage.Candidate c) {
                peer.addCandidate(c);
            } else if (message instanceof SignalMessage.FrameInfo frame) {
                framesAnnounced.incrementAndGet();
                synchronized (frameTimes) {
                    frameTimes.addLast(new long[]{frame.captureTimeMicros(), frame.sendTimeMicros()});
                    if (frameTimes.size() > 600) {
                        frameTimes.removeFirst();
                    }
                }
                if (framesAnnounced.get() > 90) { // past the cached pictures replayed at join: live frames only
                    sendDelayMicros.add((double) (frame.sendTimeMicros() - frame.captureTimeMicros()));
                }
                if (firstFrameNanos.get() != 0) {
                    announcedAfterFirstFrame.incrementAndGet();
                }
            } else if (message instanceof SignalMessage.ErrorMessage e) {
                note("error " + e.code() + ": " + e.message());
                streamerError.complete("error " + e.code() + ": " + e.message());
            }
        } catch (Exception e) {
            note("bad signal message: " + e.getMessage());
        }
    }

    private void onFrame(VideoFrame frame) {
        try {
            long nowMicros = WallClock.nowMicros();
            long now = System.nanoTime();
            if (firstFrameNanos.get() == 0 && firstFrameNanos.compareAndSet(0, now)) {
                firstFrame.countDown();
            }
            long previous = lastFrameNanos.getAndSet(now);
            if (previous != 0) {
                longestGapNanos.accumulateAndGet(now - previous, Math::max);
            }
            framesRendered.incrementAndGet();
            width = frame.buffer.getWidth();
            height = frame.buffer.getHeight();
            ReceiverPeer.timecodeOf(frame).ifPresent(t -> {
                framesWithTimecode.incrementAndGet();
                double truth = (nowMicros - t.captureTimeNear(nowMicros)) / 1000.0;
                truthLatencyMs.add(truth);
                synchronized (truthSeries) {
                    truthSeries.addLast(new double[]{nowMicros / 1000.0, truth});
                    if (truthSeries.size() > 3600) {
                        truthSeries.removeFirst();
                    }
                }
            });
        } finally {
            frame.release();
        }
    }

    private static String fetch(URI uri) {
        try {
            java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                    .connectTimeout(java.time.Duration.ofSeconds(3)).build();
            return http.send(java.net.http.HttpRequest.newBuilder(uri).timeout(java.time.Duration.ofSeconds(3)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "";
        }
    }

    private static String metric(String text, String name) {
        return text.lines().filter(l -> l.startsWith(name + " ")).map(l -> l.substring(name.length() + 1).strip())
                .findFirst().orElse("null");
    }

    private void note(String line) {
        log.add(Instant.now() + " " + line);
    }

    static String percentile(List<Double> values, double q) {
        List<Double> copy;
        synchronized (values) {
            copy = new ArrayList<>(values);
        }
        if (copy.isEmpty()) {
            return "null";
        }
        Collections.sort(copy);
        int rank = (int) Math.ceil(q * copy.size()) - 1;
        return String.format(java.util.Locale.ROOT, "%.1f", copy.get(Math.max(0, rank)));
    }
}
