package carsight.streamer.rtp;

/**
 * How big an RTP payload may be so that the whole SRTP packet stays within {@link #MAX_PACKET} bytes, a size that
 * crosses any path (IPv6's 1280-byte minimum MTU less IP/UDP headers, and TURN's framing).
 */
public final class RtpSizes {

    public static final int MAX_PACKET = 1200;
    public static final int RTP_HEADER = 12;
    public static final int SRTP_AUTH_TAG = 10;

    private RtpSizes() {
    }

    /** Payload room left after the fixed header, {@code extensionBytes} of header extension and the SRTP tag. */
    public static int maxPayload(int extensionBytes) {
        return MAX_PACKET - RTP_HEADER - extensionBytes - SRTP_AUTH_TAG;
    }
}
