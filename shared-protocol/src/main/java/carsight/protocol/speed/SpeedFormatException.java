package carsight.protocol.speed;

/** A typed speed that cannot be used; the message is written for the operator. */
public final class SpeedFormatException extends Exception {

    public SpeedFormatException(String message) {
        super(message);
    }
}
