package carsight.streamer.congestion;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;

/**
 * Fits what the camera sends to what the viewers' paths carry, without flapping (a camera restart costs a short
 * freeze).
 *
 * <p>The camera serves the common case: the viewer it follows is the one whose path at least half of the viewers
 * can match (with one viewer, that one; with two, the wider); a viewer narrower than that skips frames rather than
 * drag everyone down. Down: once that path's estimate has stayed below what the camera sends for
 * {@value #DOWN_AFTER_MILLIS} ms, to {@value #HEADROOM_PERCENT} % of the estimate, so key frames and packet overhead
 * fit too. Up: a receiver's estimate cannot run far ahead of what it receives, so the camera steps up by a quarter
 * (to at most {@value #UP_TO_ESTIMATE_PERCENT} % of the estimate) after the path has shown no congestion for a while
 * — first {@value #FIRST_UP_AFTER_MILLIS} ms; an upward step that
 * is followed by a downward one within {@value #FAILED_STEP_MILLIS} ms doubles that wait (up to
 * {@value #MAX_UP_AFTER_MILLIS} ms). Never above what the operator configured, never below the floor; with no viewer
 * for {@value #IDLE_RESET_MILLIS} ms, back to the configured bitrate. Sans-I/O: time in, decisions out. Not
 * thread-safe (the streamer's tick).
 */
public final class CameraBitrate {

    static final int HEADROOM_PERCENT = 80;
    /** An estimate below this share of what is sent means the path does not keep up. */
    static final int CONGESTED_BELOW_SENT_PERCENT = 95;
    static final long DOWN_GAP_MILLIS = 2_000;
    /** An upward step goes no further than this share of the path's estimate. */
    static final int UP_TO_ESTIMATE_PERCENT = 95;
    static final long DOWN_AFTER_MILLIS = 1_000;
    static final long FIRST_UP_AFTER_MILLIS = 6_000;
    static final long MAX_UP_AFTER_MILLIS = 60_000;
    static final long FAILED_STEP_MILLIS = 12_000;
    static final long IDLE_RESET_MILLIS = 10_000;

    /**
     * One viewer's path as the streamer sees it now.
     *
     * @param estimateBps its receiver's estimate, empty until it gives one
     * @param sentBps     what was sent to it over the last second
     * @param queueMillis queueing on its path (from the round-trip time)
     * @param skipping    it is skipping frames that waited longer than the latency budget
     */
    public record ViewerPath(OptionalLong estimateBps, long sentBps, double queueMillis, boolean skipping) {

        /**
         * The path takes less than is sent to it. A receiver's estimate runs up to half again above what it receives
         * while the path keeps up, and falls below it as soon as packets queue; a camera that sends less than it was
         * set to (a still picture) therefore does not look like congestion.
         */
        boolean congested(double queueLimitMillis) {
            return skipping || queueMillis > queueLimitMillis
                    || (estimateBps.isPresent() && estimateBps.getAsLong() * 100 < sentBps * CONGESTED_BELOW_SENT_PERCENT);
        }
    }

    /** A change of the camera's bitrate and why. */
    public record Change(long fromBps, long toBps, String reason) {
    }

    private final long configuredBps;
    private final long minimumBps;
    private final double queueLimitMillis;
    private long currentBps;
    private long congestedSinceNanos = -1;
    private long clearSinceNanos = -1;
    private long lastUpNanos = Long.MIN_VALUE / 2;
    private long lastDownNanos = Long.MIN_VALUE / 2;
    private long upAfterMillis = FIRST_UP_AFTER_MILLIS;
    private long idleSinceNanos = -1;

    /**
     * @param configuredBps    what the operator asked for: never more
     * @param minimumBps       never less (below it a picture is not worth sending)
     * @param queueLimitMillis a path whose queue holds more than this is congested whatever its estimate says
     */
    public CameraBitrate(long configuredBps, long minimumBps, double queueLimitMillis) {
        if (minimumBps <= 0 || minimumBps > configuredBps) {
            throw new IllegalArgumentException("bitrate bounds " + minimumBps + ".." + configuredBps + " b/s are not usable");
        }
        this.configuredBps = configuredBps;
        this.minimumBps = minimumBps;
        this.queueLimitMillis = queueLimitMillis;
        this.currentBps = configuredBps;
    }

    public long currentBps() {
        return currentBps;
    }

    /** The path the camera serves: of the viewers with an estimate, the one at least half of them can match. */
    public static java.util.Optional<ViewerPath> served(List<ViewerPath> paths) {
        List<ViewerPath> known = new ArrayList<>();
        for (ViewerPath p : paths) {
            if (p.estimateBps().isPresent()) {
                known.add(p);
            }
        }
        if (known.isEmpty()) {
            return java.util.Optional.empty();
        }
        known.sort(Comparator.comparingLong((ViewerPath p) -> p.estimateBps().getAsLong()).reversed());
        return java.util.Optional.of(known.get((known.size() - 1) / 2));
    }

    /** One look at the viewers' paths; returns the change to make, or null. */
    public Change tick(List<ViewerPath> paths, long nowNanos) {
        if (paths.isEmpty()) {
            congestedSinceNanos = -1;
            clearSinceNanos = -1;
            if (idleSinceNanos < 0) {
                idleSinceNanos = nowNanos;
            }
            if (currentBps != configuredBps && millis(nowNanos - idleSinceNanos) >= IDLE_RESET_MILLIS) {
                upAfterMillis = FIRST_UP_AFTER_MILLIS;
                return change(configuredBps, "no viewers: back to the configured bitrate");
            }
            return null;
        }
        idleSinceNanos = -1;
        java.util.Optional<ViewerPath> served = served(paths);
        if (served.isEmpty()) {
            return null; // no receiver has said anything yet
        }
        ViewerPath path = served.get();
        long estimate = path.estimateBps().getAsLong();
        if (path.congested(queueLimitMillis)) {
            clearSinceNanos = -1;
            if (congestedSinceNanos < 0) {
                congestedSinceNanos = nowNanos;
            }
            // at most what the path carries, with headroom; and a step down in any case when it queues or skips
            long target = Math.min(estimate, currentBps) * HEADROOM_PERCENT / 100;
            target = Math.max(minimumBps, Math.min(configuredBps, target));
            if (target < currentBps && millis(nowNanos - congestedSinceNanos) >= DOWN_AFTER_MILLIS
                    && millis(nowNanos - lastDownNanos) >= DOWN_GAP_MILLIS) {
                if (millis(nowNanos - lastUpNanos) < FAILED_STEP_MILLIS) {
                    upAfterMillis = Math.min(MAX_UP_AFTER_MILLIS, upAfterMillis * 2);
                }
                lastDownNanos = nowNanos;
                return change(target, "the viewers' path carries " + kbps(estimate) + " of the " + kbps(path.sentBps())
                        + " sent" + (path.queueMillis() > queueLimitMillis
                        ? ", " + Math.round(path.queueMillis()) + " ms queued" : "")
                        + (path.skipping() ? ", frames skipped" : ""));
            }
            return null;
        }
        congestedSinceNanos = -1;
        if (clearSinceNanos < 0) {
            clearSinceNanos = nowNanos;
        }
        if (millis(nowNanos - lastDownNanos) > 5 * MAX_UP_AFTER_MILLIS) {
            upAfterMillis = FIRST_UP_AFTER_MILLIS; // long untroubled: be quick again
        }
        long up = Math.min(configuredBps, Math.min(currentBps * 5 / 4, estimate * UP_TO_ESTIMATE_PERCENT / 100));
        if (up > currentBps && millis(nowNanos - clearSinceNanos) >= upAfterMillis) {
            lastUpNanos = nowNanos;
            clearSinceNanos = nowNanos;
            return change(up, "the viewers' path has shown no congestion for " + upAfterMillis / 1000
                    + " s and carries " + kbps(estimate));
        }
        return null;
    }

    private Change change(long to, String reason) {
        Change c = new Change(currentBps, to, reason);
        currentBps = to;
        congestedSinceNanos = -1;
        return c;
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000L;
    }

    static String kbps(long bps) {
        return (bps / 1000) + " kb/s";
    }
}
