package carsight.streamer.sdp;

/** A well-formed offer the streamer cannot serve; the message tells the viewer why. */
public final class OfferRefusedException extends Exception {

    public OfferRefusedException(String message) {
        super(message);
    }
}
