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
 * <p>A decoded frame carries no RTP timestamp, so it is matched to the newest RTP timestamp that had fully arrived
 * before libwebrtc handed the frame over: with the streamer's playout delay of zero, frames are decoded in order as
 * soon as they are complete. Matching waits until arrivals up to the frame's hand-over time are known (they are
 * polled), so a late poll never pairs a frame with its predecessor. Sans-I/O: times in, samples out. Not
 * thread-safe; the caller serialises.
 */
public final class FrameTiming {

    private static final int MAX_FRAMES = 512;

    private record Report(long captureMicros, long sendMicros) {
    }

    private record Arrival(long rtpTimestamp, long arrivalMicros) {
    }

    private record Shown(long sinkMicros, long screenMicros) {
    }

    private final ClockOffset clock;
    private final Map<Long, Report> reports = new LinkedHashMap<>(MAX_FRAMES, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Report> eldest) {
            return size() > MAX_FRAMES;
        }
    };
    private final Deque<Arrival> arrivals = new ArrayDeque<>();
    private final Deque<Shown> shown = new ArrayDeque<>();
    private long arrivalsKnownUntilMicros = Long.MIN_VALUE;

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

    /** A decoded frame: handed to us at {@code sinkMicros}, shown at {@code screenMicros} (our wall clock). */
    public void onShown(long sinkMicros, long screenMicros) {
        shown.addLast(new Shown(sinkMicros, screenMicros));
        while (shown.size() > MAX_FRAMES) {
            shown.removeFirst();
        }
    }

    /** The next frame whose latency can now be told, if any. Call until empty. */
    public Optional<FrameLatency> next() {
        while (!shown.isEmpty()) {
            Shown frame = shown.peekFirst();
            if (frame.sinkMicros() > arrivalsKnownUntilMicros) {
                return Optional.empty(); // its packets may not all be polled yet
            }
            shown.removeFirst();
            Arrival match = null;
            for (Arrival a : arrivals) {
                if (a.arrivalMicros() <= frame.sinkMicros()) {
                    match = a;
                }
            }
            if (match == null) {
                continue;
            }
            Report report = reports.get(match.rtpTimestamp());
            Optional<ClockOffset.Estimate> offset = clock.estimate();
            if (report == null || offset.isEmpty()) {
                continue;
            }
            long capture = offset.get().toLocal(report.captureMicros());
            long sent = offset.get().toLocal(report.sendMicros());
            return Optional.of(new FrameLatency(match.rtpTimestamp(),
                    (frame.screenMicros() - capture) / 1000.0,
                    (report.sendMicros() - report.captureMicros()) / 1000.0,
                    Math.max(0, match.arrivalMicros() - sent) / 1000.0,
                    Math.max(0, frame.sinkMicros() - match.arrivalMicros()) / 1000.0,
                    Math.max(0, frame.screenMicros() - frame.sinkMicros()) / 1000.0,
                    frame.screenMicros()));
        }
        return Optional.empty();
    }
}
