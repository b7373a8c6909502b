package carsight.streamer.congestion;

/**
 * Spaces a viewer's packets so they leave no faster than its path carries them (a token bucket): what the path
 * cannot take then waits in the streamer, where the latency budget sees it and skips stale frames, instead of in a
 * queue on the path (a router's, the radio's) that nobody can empty. Without a rate it lets everything through.
 * Sans-I/O: it says how long to wait; the caller waits. Not thread-safe except {@link #rate(long)}.
 */
public final class Pacer {

    /** Bytes that may always leave back to back: a few packets, so a frame does not trickle out one at a time. */
    static final int MIN_BURST_BYTES = 4 * 1200;

    /**
     * What the rate carries in this time may also leave back to back: on a path wider than the stream a whole frame
     * leaves at once (spread out it would arrive a pacing interval later), while on a narrow path the burst stays a
     * few packets and the path's own queue stays short.
     */
    static final long BURST_NANOS = 40_000_000L;

    private volatile long rateBps;
    private double tokens = MIN_BURST_BYTES;
    private long lastNanos = Long.MIN_VALUE;

    /** Bits per second from now on; 0 or less: no limit. */
    public void rate(long bitsPerSecond) {
        rateBps = bitsPerSecond;
    }

    public long rate() {
        return rateBps;
    }

    /** How long a packet of {@code bytes} must wait before it may leave, ns (0: at once). */
    public long waitNanos(int bytes, long nowNanos) {
        long rate = rateBps;
        if (rate <= 0) {
            return 0;
        }
        refill(rate, nowNanos);
        if (tokens >= bytes || tokens >= MIN_BURST_BYTES) {
            return 0;
        }
        double missing = Math.min(bytes, MIN_BURST_BYTES) - tokens;
        return (long) Math.ceil(missing * 8 * 1e9 / rate);
    }

    /** A packet of {@code bytes} left at {@code nowNanos}. */
    public void sent(int bytes, long nowNanos) {
        long rate = rateBps;
        if (rate <= 0) {
            tokens = MIN_BURST_BYTES;
            lastNanos = nowNanos;
            return;
        }
        refill(rate, nowNanos);
        tokens -= bytes;
    }

    private void refill(long rate, long nowNanos) {
        if (lastNanos != Long.MIN_VALUE && nowNanos > lastNanos) {
            tokens = Math.min(burstBytes(rate), tokens + (nowNanos - lastNanos) * rate / 8e9);
        }
        lastNanos = nowNanos;
    }

    /** Bytes that may leave back to back at this rate. */
    static double burstBytes(long rate) {
        return Math.max(MIN_BURST_BYTES, rate * (BURST_NANOS / 1e9) / 8);
    }
}
