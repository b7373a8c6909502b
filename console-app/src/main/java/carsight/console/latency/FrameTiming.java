package carsight.console.latency;

import carsight.protocol.clock.ClockOffset;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Matches what the streamer says about each frame ({@code frame} messages: RTP timestamp → capture and send time on
 * its clock) with what this receiver sees (RTP timestamp → arrival of its last packet, from libwebrtc's
 * synchronization sources; a decoded frame handed over; the moment it was shown), and turns them into per-frame
 * latency on our clock.
 *
 * <p>A decoded frame carries no RTP timestamp. libwebrtc's synchronization source records, per RTP timestamp, the
 * moment the frame was delivered for rendering — which is when our sink receives it — so a frame is matched to the
 * RTP timestamp delivered nearest its hand-over (frames are at least a few ms apart even at 200 fps). Matching waits
 * until polls have covered a little past the hand-over, so a late poll never pairs a frame with its predecessor.
 * How the time between "sent" and "delivered" splits into network, jitter buffer and decode comes from the
 * receiver's statistics ({@link #onReceiverDelays}). Sans-I/O: times in, samples out. Not thread-safe.
 *
 * <p>A poll sees only the newest delivery. After an outage libwebrtc delivers the frames it held faster than they
 * were captured, several between two polls, and the frame handed over may then not be the one the poll recorded
 * near it but an older one whose delivery no poll saw. So a delivery recorded more than one frame of RTP time after
 * the one recorded before it is not matched: its frame is not measured rather than given a newer frame's capture
 * time (which would make the picture on screen look younger than it is). The next delivery one frame on is.
 */
public final class FrameTiming {

    private static final int MAX_FRAMES = 512;
    /** How far past a frame's hand-over the polls must reach before it is matched. */
    private static final long SETTLE_MICROS = 15_000;
    /** A delivery further than this from the hand-over is not the same frame. */
    private static final long MATCH_WINDOW_MICROS = 8_000;

    private record Report(long captureMicros, long sendMicros) {
    }

    private record Arrival(long rtpTimestamp, long arrivalMicros) {
    }

    private record Shown(long sinkMicros, long screenMicros) {
    }

    private final ClockOffset clock;
    /** The last steps between consecutive deliveries' RTP timestamps; their median is one frame's worth. */
    private final long[] steps = new long[15];
    private int stepCount;
    private final Map<Long, Report> reports = new LinkedHashMap<>(MAX_FRAMES, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Report> eldest) {
            return size() > MAX_FRAMES;
        }
    };
    private final Deque<Arrival> arrivals = new ArrayDeque<>();
    private final Deque<Shown> shown = new ArrayDeque<>();
    private long arrivalsKnownUntilMicros = Long.MIN_VALUE;
    private double jitterBufferMillis;
    private double decodeMillis;

    public FrameTiming(ClockOffset clock) {
        this.clock = clock;
    }

    /** A {@code frame} message: times on the streamer's clock. */
    public void onReport(long rtpTimestamp, long captureMicros, long sendMicros) {
        reports.put(rtpTimestamp, new Report(captureMicros, sendMicros));
    }

    /**
     * One poll of the receiver's synchronization source: the last packet's RTP timestamp and arrival (our wall
     * clock, µs), and the time of the poll — every arrival up to {@code polledAtMicros} is now known.
     */
    public void onArrival(long rtpTimestamp, long arrivalMicros, long polledAtMicros) {
        Arrival last = arrivals.peekLast();
        if (last != null && last.rtpTimestamp() != rtpTimestamp) {
            long step = (rtpTimestamp - last.rtpTimestamp()) & 0xFFFFFFFFL;
            if (step > 0 && step < 0x8000_0000L) {
                steps[stepCount++ % steps.length] = step;
            }
        }
        if (last == null || last.rtpTimestamp() != rtpTimestamp) {
            arrivals.addLast(new Arrival(rtpTimestamp, arrivalMicros));
            while (arrivals.size() > MAX_FRAMES) {
                arrivals.removeFirst();
            }
        } else if (arrivalMicros > last.arrivalMicros()) {
            arrivals.pollLast();
            arrivals.addLast(new Arrival(rtpTimestamp, arrivalMicros)); // a later packet of the same frame
        }
        arrivalsKnownUntilMicros = Math.max(arrivalsKnownUntilMicros, polledAtMicros);
    }

    /** Average jitter-buffer and decode time per frame over the last stats interval (from getStats deltas). */
    public void onReceiverDelays(double jitterBufferMillis, double decodeMillis) {
        this.jitterBufferMillis = Math.max(0, jitterBufferMillis);
        this.decodeMillis = Math.max(0, decodeMillis);
    }

    /** A decoded frame: handed to us at {@code sinkMicros}, shown at {@code screenMicros} (our wall clock). */
    public void onShown(long sinkMicros, long screenMicros) {
        shown.addLast(new Shown(sinkMicros, screenMicros));
        while (shown.size() > MAX_FRAMES) {
            shown.removeFirst();
        }
    }

    /**
     * Whether deliveries no poll saw may lie just before {@code a}: its RTP timestamp is more than one frame on from
     * the delivery recorded before it (frames skipped by the sender look the same, and are left unmeasured too).
     */
    private boolean afterUnseenDeliveries(Arrival a) {
        Arrival before = null;
        for (Arrival x : arrivals) {
            if (x == a) {
                break;
            }
            before = x;
        }
        if (before == null || stepCount < steps.length) {
            return false;
        }
        long[] sorted = steps.clone();
        java.util.Arrays.sort(sorted);
        long frameStep = sorted[sorted.length / 2]; // capture times jitter, and skipped frames make a few steps long
        long rtpStep = (a.rtpTimestamp() - before.rtpTimestamp()) & 0xFFFFFFFFL;
        return rtpStep < 0x8000_0000L && rtpStep * 2 > frameStep * 3;
    }

    /** The next frame whose latency can now be told, if any. Call until empty. */
    public Optional<FrameLatency> next() {
        while (!shown.isEmpty()) {
            Shown frame = shown.peekFirst();
            if (frame.sinkMicros() + SETTLE_MICROS > arrivalsKnownUntilMicros) {
                return Optional.empty(); // its delivery may not be polled yet
            }
            shown.removeFirst();
            Arrival match = null;
            for (Arrival a : arrivals) {
                long distance = Math.abs(a.arrivalMicros() - frame.sinkMicros());
                if (distance <= MATCH_WINDOW_MICROS
                        && (match == null || distance < Math.abs(match.arrivalMicros() - frame.sinkMicros()))) {
                    match = a;
                }
            }
            if (match == null || afterUnseenDeliveries(match)) {
                continue;
            }
            Report report = reports.get(match.rtpTimestamp());
            Optional<ClockOffset.Estimate> offset = clock.estimate();
            if (report == null || offset.isEmpty()) {
                continue;
            }
            long capture = offset.get().toLocal(report.captureMicros());
            long sent = offset.get().toLocal(report.sendMicros());
            double sentToSink = Math.max(0, frame.sinkMicros() - sent) / 1000.0;
            double receiver = Math.min(sentToSink, jitterBufferMillis + decodeMillis);
            return Optional.of(new FrameLatency(match.rtpTimestamp(),
                    (frame.screenMicros() - capture) / 1000.0,
                    (report.sendMicros() - report.captureMicros()) / 1000.0,
                    sentToSink - receiver,
                    receiver,
                    Math.max(0, frame.screenMicros() - frame.sinkMicros()) / 1000.0,
                    frame.screenMicros()));
        }
        return Optional.empty();
    }
}
