package carsight.streamer.sdp;

/** An SDP text that does not parse; the message names the line. */
public final class SdpFormatException extends Exception {

    public SdpFormatException(String message) {
        super(message);
    }
}
