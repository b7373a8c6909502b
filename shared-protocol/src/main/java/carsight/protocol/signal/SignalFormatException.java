package carsight.protocol.signal;

/**
 * A signaling message that cannot be accepted. {@link #code()} goes back to the sender in an {@code error} message;
 * the text says what to fix.
 */
public final class SignalFormatException extends Exception {

    public static final String TOO_LARGE = "too-large";
    public static final String UNKNOWN_TYPE = "unknown-type";
    public static final String BAD_MESSAGE = "bad-message";

    private final String code;

    public SignalFormatException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
