package carsight.streamer.session;

import carsight.streamer.camera.Camera;

/**
 * Turns viewers' PLI/FIR into keyframe requests to the camera, at most one per interval: with several viewers on a
 * lossy link, every PLI passed through would make the encoder emit nothing but IDRs.
 */
public final class KeyframeRequests {

    private static final System.Logger LOG = System.getLogger(KeyframeRequests.class.getName());

    private final Camera camera;
    private final long minIntervalNanos;
    private long lastRequestNanos = Long.MIN_VALUE / 2;
    private boolean lastAnswer;

    public KeyframeRequests(Camera camera, long minIntervalMillis) {
        this.camera = camera;
        this.minIntervalNanos = minIntervalMillis * 1_000_000L;
    }

    /**
     * Asks for a keyframe unless one was asked for recently. Returns false when the camera cannot make one on
     * demand, so the caller should replay the cached group of pictures instead. {@code nowNanos}: monotonic time.
     */
    public synchronized boolean request(String why, long nowNanos) {
        long now = nowNanos;
        if (now - lastRequestNanos < minIntervalNanos) {
            return lastAnswer;
        }
        lastRequestNanos = now;
        lastAnswer = camera.requestKeyframe();
        LOG.log(System.Logger.Level.DEBUG, "keyframe requested ({0}): {1}", why,
                lastAnswer ? "camera will send one" : "camera cannot, replaying cached pictures");
        return lastAnswer;
    }
}
