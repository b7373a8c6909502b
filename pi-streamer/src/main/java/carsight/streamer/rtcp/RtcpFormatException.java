package carsight.streamer.rtcp;

/** An RTCP packet that does not follow RFC 3550's structure; the message says where. */
public final class RtcpFormatException extends Exception {

    public RtcpFormatException(String message) {
        super(message);
    }
}
