package carsight.streamer.congestion;

import java.util.ArrayDeque;
import java.util.OptionalLong;

/**
 * What one viewer's feedback says about its path: the bitrate its receiver estimates the path carries (REMB, which
 * libwebrtc and Chromium compute from the arrival of our packets against their abs-send-time: a delay-based
 * estimator, GCC's, on the receiving side) and how much of the round-trip time is queue (the latest RTT from its
 * receiver reports above the lowest of the last {@value #RTT_WINDOW_SECONDS} s). Sans-I/O: the time comes in as an
 * argument. Thread-safe (feedback arrives on the session's receive thread, the sender and the streamer read it).
 */
public final class PathEstimate {

    static final int RTT_WINDOW_SECONDS = 30;
    /** An estimate older than this no longer describes the path (the receiver stopped sending it). */
    static final long STALE_NANOS = 5_000_000_000L;

    /** Queueing below this, ms, counts as a clear path (the round trip's own jitter on a busy receiver). */
    public static final double CLEAR_QUEUE_MILLIS = 20;

    private long estimateBps = -1;
    private long estimateAtNanos;
    private double lastRttMillis = -1;
    /** RTT samples of the window, oldest first: {nanos, rtt ms}. */
    private final ArrayDeque<double[]> rtts = new ArrayDeque<>();

    /** A receiver's estimate (REMB), b/s. */
    public synchronized void onEstimate(long bitsPerSecond, long nowNanos) {
        estimateBps = Math.max(0, bitsPerSecond);
        estimateAtNanos = nowNanos;
    }

    /** A round-trip time from a receiver report, ms. */
    public synchronized void onRoundTrip(double millis, long nowNanos) {
        if (millis < 0) {
            return;
        }
        lastRttMillis = millis;
        rtts.addLast(new double[]{nowNanos, millis});
        long oldest = nowNanos - RTT_WINDOW_SECONDS * 1_000_000_000L;
        while (rtts.size() > 1 && rtts.peekFirst()[0] < oldest) {
            rtts.removeFirst();
        }
        while (rtts.size() > 512) {
            rtts.removeFirst();
        }
    }

    /** A round trip is known and shows no queue to speak of ({@value #CLEAR_QUEUE_MILLIS} ms at most). */
    public synchronized boolean clear() {
        return lastRttMillis >= 0 && queueMillis() < CLEAR_QUEUE_MILLIS;
    }

    /** The receiver's latest estimate, or empty when it has sent none for {@link #STALE_NANOS}. */
    public synchronized OptionalLong availableBps(long nowNanos) {
        if (estimateBps < 0 || nowNanos - estimateAtNanos > STALE_NANOS) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(estimateBps);
    }

    /**
     * Milliseconds the packets now spend queued on the path: the latest RTT above the lowest of the window (0 while
     * no RTT is known). The lowest RTT stands for the empty path; a queue that never empties for the whole window
     * hides in it, which the window's length makes unlikely on a road.
     */
    public synchronized double queueMillis() {
        if (rtts.isEmpty()) {
            return 0;
        }
        double min = Double.MAX_VALUE;
        for (double[] sample : rtts) {
            min = Math.min(min, sample[1]);
        }
        return Math.max(0, lastRttMillis - min);
    }
}
