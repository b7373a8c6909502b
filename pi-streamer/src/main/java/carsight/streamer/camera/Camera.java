package carsight.streamer.camera;

/**
 * A source of H.264 frames. Implementations own their threads and processes; {@link #start} returns at once and
 * frames arrive on the source's own thread, one at a time, in order. A listener must not block: fan-out to viewers
 * happens behind it.
 */
public interface Camera extends AutoCloseable {

    /** Starts producing frames. Called once. */
    void start(Listener listener);

    /** Asks the encoder for an IDR as soon as it can; returns false if this source cannot (then callers resend the cached GOP). */
    boolean requestKeyframe();

    /**
     * Aims the encoder at a new bitrate (b/s), from its next keyframe on; false when this source cannot (a recording,
     * the pure-Java encoder). A camera that must restart its encoder for it does so at once: a short freeze.
     */
    default boolean changeBitrate(int bitsPerSecond) {
        return false;
    }

    /** Short human description for logs and /healthz, e.g. "rpicam-vid 640x480@30" or "file pi-car.h264". */
    String describe();

    /** Stops the source and any process it started. Idempotent. */
    @Override
    void close();

    interface Listener {
        void onFrame(EncodedFrame frame);

        /** The source changed state (started, restarting after a failure, stopped); {@code detail} says why. */
        default void onState(CameraState state, String detail) {
        }
    }

    enum CameraState { STARTING, RUNNING, RESTARTING, STOPPED, FAILED }
}
