package carsight.protocol.clock;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * How far the streamer's clock is from ours, NTP-style, from ping/pong exchanges over the signaling socket.
 *
 * <p>Each exchange gives t0 (we sent), t1 (streamer received), t2 (streamer replied), t3 (we received), all in µs.
 * Offset = ((t1 − t0) + (t2 − t3)) / 2, wrong by at most half the round trip, so the estimate comes from the
 * lowest-RTT exchange among the recent ones: queueing only ever adds delay. Its uncertainty (±RTT/2) is reported,
 * never hidden. Thread-safe.
 */
public final class ClockOffset {

    /**
     * @param offsetMicros      streamer clock minus our clock
     * @param uncertaintyMicros half the round trip of the sample it rests on
     */
    public record Estimate(long offsetMicros, long uncertaintyMicros, long rttMicros, int samples) {

        /** A streamer time expressed on our clock. */
        public long toLocal(long streamerMicros) {
            return streamerMicros - offsetMicros;
        }
    }

    private record Sample(long offset, long rtt) {
    }

    private final int window;
    private final Deque<Sample> samples = new ArrayDeque<>();

    public ClockOffset(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must hold at least one sample");
        }
        this.window = window;
    }

    public ClockOffset() {
        this(32);
    }

    /** Adds one exchange; ignores impossible ones (negative round trip, e.g. after a clock step). */
    public synchronized void add(long t0, long t1, long t2, long t3) {
        long rtt = (t3 - t0) - (t2 - t1);
        if (rtt < 0 || t2 < t1) {
            return;
        }
        long offset = Math.floorDiv((t1 - t0) + (t2 - t3), 2);
        samples.addLast(new Sample(offset, rtt));
        while (samples.size() > window) {
            samples.removeFirst();
        }
    }

    public synchronized Optional<Estimate> estimate() {
        Sample best = null;
        for (Sample s : samples) {
            if (best == null || s.rtt() < best.rtt()) {
                best = s;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        return Optional.of(new Estimate(best.offset(), (best.rtt() + 1) / 2, best.rtt(), samples.size()));
    }

    /**
     * Takes the other clock to be ours (both kept by NTP), for a path with no way back to ask it — the car watched
     * through a relay. The estimate then says offset 0 with an uncertainty of 0 and no round trip: it holds only as far
     * as the two machines' time keeping does.
     */
    public synchronized void assumeSynchronized() {
        samples.clear();
        samples.addLast(new Sample(0, 0));
    }

    public synchronized void reset() {
        samples.clear();
    }
}
