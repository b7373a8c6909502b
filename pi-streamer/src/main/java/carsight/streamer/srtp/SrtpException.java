package carsight.streamer.srtp;

/** A packet SRTP refuses: too short, failed authentication, or replayed. Callers drop it and count. */
public final class SrtpException extends Exception {

    public SrtpException(String message) {
        super(message);
    }
}
