package carsight.streamer.camera;

/** A camera that cannot start or run; the message says what to check. */
public final class CameraException extends RuntimeException {

    public CameraException(String message) {
        super(message);
    }

    public CameraException(String message, Throwable cause) {
        super(message, cause);
    }
}
