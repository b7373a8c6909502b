package carsight.streamer.congestion;

/**
 * One viewer's rule that a frame which cannot leave within the latency budget is not sent late: from the first
 * frame that waited longer than the budget while its path cannot catch up, frames are skipped up to the next
 * keyframe that can still leave in time — a short freeze instead of a picture that falls ever further behind. A
 * frame that is late only because the streamer stalled for a moment (the path drains the frames behind it well
 * within the budget) is sent: catching up costs a moment, skipping costs up to a group of pictures. Sans-I/O, not
 * thread-safe (the viewer's sender thread).
 */
public final class LatencyBudget {

    /** What to do with a frame. */
    public enum Decision {
        /** Send it. */
        SEND,
        /** Send it: the keyframe that ends a skip. */
        SEND_RESUMING,
        /** Skip it: the first frame of a skip (it waited longer than the budget). */
        SKIP_LATE,
        /** Skip it: a frame after a skipped one, which cannot be decoded without it. */
        SKIP_UNTIL_KEYFRAME
    }

    private final long budgetNanos;
    private boolean skipping;
    private long skipped;
    private long skips;

    public LatencyBudget(long budgetMillis) {
        if (budgetMillis <= 0) {
            throw new IllegalArgumentException("the latency budget must be positive, got " + budgetMillis + " ms");
        }
        this.budgetNanos = budgetMillis * 1_000_000L;
    }

    /**
     * @param keyframe     whether the frame can be decoded on its own
     * @param waitedNanos  how long it has waited in the streamer for this viewer (queue and pacing)
     * @param exempt       a frame replayed on purpose (the cached pictures a new viewer starts with): never late
     * @param drainNanos   how long the path needs for the frames queued now, at the rate it carries (0 when that
     *                     is not known: then a late frame is sent and the queue catches up)
     */
    public Decision decide(boolean keyframe, long waitedNanos, boolean exempt, long drainNanos) {
        boolean late = !exempt && waitedNanos > budgetNanos && drainNanos > budgetNanos / 2;
        if (skipping) {
            if (keyframe && !late) {
                skipping = false;
                return Decision.SEND_RESUMING;
            }
            skipped++;
            return Decision.SKIP_UNTIL_KEYFRAME;
        }
        if (late) {
            skipping = true;
            skips++;
            skipped++;
            return Decision.SKIP_LATE;
        }
        return Decision.SEND;
    }

    /** Frames are being skipped now. */
    public boolean skipping() {
        return skipping;
    }

    /** Frames skipped so far. */
    public long skipped() {
        return skipped;
    }

    /** Times a skip began. */
    public long skips() {
        return skips;
    }

    public long budgetMillis() {
        return budgetNanos / 1_000_000L;
    }
}
