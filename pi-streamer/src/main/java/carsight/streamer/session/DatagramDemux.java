package carsight.streamer.session;

/**
 * Tells the protocols sharing one ICE 5-tuple apart by their first byte, as RFC 7983 §7 lays out:
 *
 * <pre>
 *              +----------------+
 *              |        [0..3] -+--> STUN (handled inside the ICE agent)
 *              |                |
 *              |      [16..19] -+--> ZRTP (not used)
 *   packet --> |                |
 *              |      [20..63] -+--> DTLS
 *              |                |
 *              |      [64..79] -+--> TURN channel (handled inside the ICE agent)
 *              |                |
 *              |    [128..191] -+--> RTP / RTCP
 *              +----------------+
 * </pre>
 *
 * RTCP is told from RTP by its packet type in the second byte (192..223 with rtcp-mux, RFC 5761 §4).
 */
public final class DatagramDemux {

    public enum Kind { STUN, DTLS, RTP, RTCP, UNKNOWN }

    private DatagramDemux() {
    }

    public static Kind classify(byte[] packet, int length) {
        if (length < 1) {
            return Kind.UNKNOWN;
        }
        int first = packet[0] & 0xFF;
        if (first <= 3) {
            return Kind.STUN;
        }
        if (first >= 20 && first <= 63) {
            return Kind.DTLS;
        }
        if (first >= 128 && first <= 191) {
            if (length < 2) {
                return Kind.UNKNOWN;
            }
            int payloadType = packet[1] & 0xFF;
            return payloadType >= 192 && payloadType <= 223 ? Kind.RTCP : Kind.RTP;
        }
        return Kind.UNKNOWN;
    }
}
