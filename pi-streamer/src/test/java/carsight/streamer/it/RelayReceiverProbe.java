package carsight.streamer.it;

import carsight.protocol.clock.WallClock;
import carsight.protocol.relay.RelayAddress;
import carsight.protocol.signal.SignalCodec;
import carsight.protocol.signal.SignalMessage;
import carsight.receiver.ReceiverPeer;
import carsight.receiver.RelayWatch;
import carsight.protocol.relay.JanusHttp;
import dev.onvoid.webrtc.RTCIceConnectionState;
import dev.onvoid.webrtc.media.video.VideoFrame;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code VIEWERS} libwebrtc receivers (webrtc-java, one engine) watching a car through a Janus relay, in one JVM inside
 * a test namespace: each with its own Janus session, {@link RelayWatch} and {@link ReceiverPeer}, answering Janus's
 * offer; counts decoded frames, the timecode's truth latency, and the relay's data-channel {@code frame} messages.
 * When a watch ends (Janus restarted, the mountpoint went), the viewer watches again every second until it is back,
 * as the console does, and counts its watches.
 *
 * <p>It prints {@value #ALL_WATCHING} with the round each time every viewer shows video again, and runs at most
 * {@code SECONDS} (a file {@code OUTPUT.json.stop} ends it earlier). It fails loudly: a viewer without video in its
 * first {@value #FIRST_FRAME_SECONDS} s ends the run with exit code 2 and a {@code failure} naming the viewer and its
 * last error. While it runs, {@code OUTPUT.json.frames} holds the fewest frames any viewer has shown on its current
 * watch.
 *
 * <p>Arguments: {@code RELAY_URL VIEWERS SECONDS OUTPUT.json}.
 */
public final class RelayReceiverProbe {

    /** Printed with ", round N" each time every viewer shows video on its N-th watch (N = 1, then after a restart 2...). */
    public static final String ALL_WATCHING = "probe: every viewer has video";
    static final int FIRST_FRAME_SECONDS = 40;

    /** One viewer through the relay. */
    private static final class Viewer {
        final int index;
        final AtomicLong frames = new AtomicLong();
        final AtomicLong framesThisWatch = new AtomicLong();
        final AtomicLong frameMessages = new AtomicLong();
        final AtomicLong streamMessages = new AtomicLong();
        final AtomicLong withTimecode = new AtomicLong();
        final List<Double> truthMs = Collections.synchronizedList(new ArrayList<>());
        final List<String> log = Collections.synchronizedList(new ArrayList<>());
        volatile int watches;
        volatile String lastError = "none";
        volatile String iceState = "new";
        volatile ReceiverPeer peer;
        volatile RelayWatch watch;
        volatile boolean ended = true;
        long lastAttemptNanos;
        final JanusHttp transport;

        Viewer(int index, RelayAddress address) {
            this.index = index;
            this.transport = new JanusHttp(address.api());
            this.lastAttemptNanos = System.nanoTime() - 2_000_000_000L; // the first watch goes at once
        }

        void note(String line) {
            log.add(Instant.now() + " " + line);
        }
    }

    private final SignalCodec codec = new SignalCodec();

    public static void main(String[] args) {
        int code = 1;
        try {
            code = new RelayReceiverProbe().run(args);
        } catch (Throwable t) {
            t.printStackTrace();
        }
        System.out.flush();
        Runtime.getRuntime().halt(code); // libwebrtc's native threads are not daemon threads
    }

    private int run(String[] args) throws Exception {
        RelayAddress address = RelayAddress.parse(args[0]);
        int count = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        Path out = Path.of(args[3]);
        ReceiverPeer.Engine engine = new ReceiverPeer.Engine();
        ExecutorService events = Executors.newSingleThreadExecutor();
        List<Viewer> viewers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            viewers.add(new Viewer(i, address));
        }
        long start = System.nanoTime();
        long firstDeadline = start + TimeUnit.SECONDS.toNanos(FIRST_FRAME_SECONDS);
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        Path stop = Path.of(out + ".stop");
        Path framesFile = Path.of(out + ".frames");
        int round = 0;
        while (System.nanoTime() < end && !Files.exists(stop)) {
            for (Viewer v : viewers) {
                if (v.ended && System.nanoTime() - v.lastAttemptNanos > 1_000_000_000L) {
                    v.lastAttemptNanos = System.nanoTime();
                    watch(engine, events, address, v);
                }
            }
            // a round: every viewer has shown 30 frames on its current watch, and each has watched that many times
            int watching = viewers.stream().mapToInt(v -> v.framesThisWatch.get() >= 30 && !v.ended ? v.watches : 0)
                    .min().orElse(0);
            if (watching > round) {
                round = watching;
                System.out.println(ALL_WATCHING + ", round " + round + ", " + (System.nanoTime() - start) / 1_000_000
                        + " ms after start");
                System.out.flush();
            }
            if (round == 0 && System.nanoTime() > firstDeadline) {
                Viewer missing = viewers.stream().filter(v -> v.framesThisWatch.get() < 30).findFirst().orElseThrow();
                String why = "viewer " + missing.index + " had no video through the relay in " + FIRST_FRAME_SECONDS
                        + " s (frames " + missing.frames.get() + ", watches " + missing.watches + ", ICE "
                        + missing.iceState + ", last error: " + missing.lastError + ")";
                System.out.println("probe failed: " + why);
                if (missing.watch != null) {
                    System.out.println(missing.watch.describe());
                }
                try {
                    System.out.println("stats: " + carsight.receiver.InboundVideo.of(missing.peer.report().get(5,
                            TimeUnit.SECONDS)).attributes());
                } catch (Exception e) {
                    System.out.println("no stats: " + e);
                }
                Files.writeString(out, "{\"failure\":" + quote(why) + ",\"viewers\":" + viewersJson(viewers) + "}");
                return 2;
            }
            // for a test that watches the run: the fewest frames any viewer has shown on its current watch, written
            // whole and moved into place (a reader never sees the file empty, between truncation and writing)
            Path next = Path.of(framesFile + ".next");
            Files.writeString(next, String.valueOf(viewers.stream().mapToLong(v -> v.ended ? 0
                    : v.framesThisWatch.get()).min().orElse(0)));
            Files.move(next, framesFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Thread.sleep(250);
        }
        String json = "{\"viewers\":" + viewersJson(viewers) + "}";
        Files.writeString(out, json);
        System.out.println(json);
        return 0;
    }

    private void watch(ReceiverPeer.Engine engine, ExecutorService events, RelayAddress address, Viewer v) {
        ReceiverPeer old = v.peer;
        RelayWatch oldWatch = v.watch;
        if (oldWatch != null) {
            oldWatch.close();
        }
        if (old != null) {
            old.close();
        }
        v.framesThisWatch.set(0);
        ReceiverPeer peer = new ReceiverPeer(engine, ReceiverPeer.Options.answering(List.of()), events,
                new ReceiverPeer.Events() {
                    @Override
                    public void onCandidate(SignalMessage.Candidate candidate) {
                        // gathered into the answer: nothing is trickled to Janus
                    }

                    @Override
                    public void onIceState(RTCIceConnectionState state) {
                        v.iceState = state.name().toLowerCase(Locale.ROOT);
                        v.note("ice " + v.iceState);
                    }

                    @Override
                    public void onDataChannel(String label) {
                        v.note("data channel " + label);
                    }

                    @Override
                    public void onDataMessage(String text, long receivedMicros) {
                        try {
                            SignalMessage message = codec.decode(text);
                            if (message instanceof SignalMessage.FrameInfo) {
                                v.frameMessages.incrementAndGet();
                            } else if (message instanceof SignalMessage.StreamInfo) {
                                v.streamMessages.incrementAndGet();
                            }
                        } catch (Exception e) {
                            v.note("data channel: not a carsight message: " + e.getMessage());
                        }
                    }
                }, frame -> onFrame(v, frame));
        v.peer = peer;
        try {
            v.ended = false;
            v.watch = RelayWatch.open(v.transport, address, peer, reason -> {
                v.note("watch ended: " + reason);
                v.lastError = reason;
                v.ended = true;
            });
            v.watches++;
            v.note("watching (" + v.watches + ")");
        } catch (Exception e) {
            v.lastError = e.getMessage();
            v.note("cannot watch: " + e.getMessage());
            v.ended = true;
        }
    }

    private static void onFrame(Viewer v, VideoFrame frame) {
        try {
            long nowMicros = WallClock.nowMicros();
            v.frames.incrementAndGet();
            v.framesThisWatch.incrementAndGet();
            ReceiverPeer.timecodeOf(frame).ifPresent(t -> {
                v.withTimecode.incrementAndGet();
                v.truthMs.add((nowMicros - t.captureTimeNear(nowMicros)) / 1000.0);
            });
        } finally {
            frame.release();
        }
    }

    private static String viewersJson(List<Viewer> viewers) {
        StringBuilder json = new StringBuilder("[");
        for (Viewer v : viewers) {
            json.append(v.index == 0 ? "" : ",").append('{');
            json.append("\"framesRendered\":").append(v.frames.get());
            json.append(",\"framesThisWatch\":").append(v.framesThisWatch.get());
            json.append(",\"framesWithTimecode\":").append(v.withTimecode.get());
            json.append(",\"frameMessages\":").append(v.frameMessages.get());
            json.append(",\"streamMessages\":").append(v.streamMessages.get());
            json.append(",\"watches\":").append(v.watches);
            json.append(",\"truthLatencyP50Ms\":").append(WebrtcReceiverProbe.percentile(v.truthMs, 0.5));
            json.append(",\"iceState\":\"").append(v.iceState).append('"');
            json.append(",\"log\":[");
            synchronized (v.log) {
                for (int i = 0; i < v.log.size(); i++) {
                    json.append(i == 0 ? "" : ",").append(quote(v.log.get(i)));
                }
            }
            json.append("]}");
        }
        return json.append(']').toString();
    }

    private static String quote(String text) {
        return '"' + String.valueOf(text).replace("\\", "/").replace("\"", "'") + '"';
    }

}
