package carsight.streamer.congestion;

/**
 * How much padding to send a viewer so that what its receiver gets reaches a probing rate. A receiver's estimate
 * (REMB) rises no higher than half again what it receives, and when it falls it falls to 85 % of what it receives: a
 * viewer that is sent little — frames skipped, the gaps while it waits for a keyframe — has an estimate held down by
 * what it was sent, not by its path, and a false alarm (a busy receiver's late packets read as a queue) pushes it
 * lower each time. While probing, the gaps between frames are filled with padding up to the rate; media counts first.
 * A credit of bytes (the rate's worth of the time passed, less what was sent) may run {@value #CREDIT_MILLIS} ms
 * ahead (or two padding packets at low rates) and a second behind, so a large frame pays for the padding of the gaps
 * after it. Sans-I/O: the caller says what was sent and when. Not thread-safe (the viewer's sender).
 */
public final class Probe {

    static final long CREDIT_MILLIS = 20;
    /** Below this, padding waits for more credit: the packet's headers would be most of it. */
    static final int MIN_PADDING_BYTES = 200;

    private long lastNanos = -1;
    private long lastBytes;
    private double credit;

    /**
     * Bytes of padding to send now.
     *
     * @param bytesSent all bytes sent to the viewer so far (media and padding)
     * @param rateBps   the probing rate; 0 or less: not probing (the credit is dropped)
     */
    public int paddingDue(long bytesSent, long rateBps, long nowNanos) {
        if (rateBps <= 0 || lastNanos < 0) {
            lastNanos = nowNanos;
            lastBytes = bytesSent;
            credit = 0;
            return 0;
        }
        credit += rateBps * Math.max(0, nowNanos - lastNanos) / 8e9 - (bytesSent - lastBytes);
        double ahead = Math.max(2.0 * MIN_PADDING_BYTES, rateBps * CREDIT_MILLIS / 8000.0);
        credit = Math.max(-rateBps / 8.0, Math.min(ahead, credit));
        lastNanos = nowNanos;
        lastBytes = bytesSent;
        return credit >= MIN_PADDING_BYTES ? (int) credit : 0;
    }
}
