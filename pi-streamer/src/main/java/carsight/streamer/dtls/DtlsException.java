package carsight.streamer.dtls;

/** A DTLS handshake that did not produce SRTP keys; the message says why. */
public final class DtlsException extends Exception {

    public DtlsException(String message) {
        super(message);
    }

    public DtlsException(String message, Throwable cause) {
        super(message, cause);
    }
}
