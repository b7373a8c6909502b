package carsight.streamer.send;

import carsight.streamer.rtcp.RtcpPacket;

import java.util.List;

/**
 * Routes what a viewer's receiver says in RTCP to the part that acts on it: a NACK to the retransmissions, PLI and
 * FIR to the keyframe requests, a receiver report to the round-trip and loss figures, a REMB to the path estimate.
 * Everything else (SDES, BYE, unknown feedback) is ignored.
 */
public final class RtcpFeedback {

    /** The actions; each is called on the thread that routes. */
    public interface Handler {
        void nack(List<Integer> lostSequenceNumbers);

        /** {@code why}: {@code PLI} or {@code FIR}. */
        void keyframe(String why);

        void receiverReport(RtcpPacket.ReceiverReport report);

        void estimate(long bitrateBps);
    }

    private RtcpFeedback() {
    }

    public static void route(List<RtcpPacket> packets, Handler handler) {
        for (RtcpPacket p : packets) {
            if (p instanceof RtcpPacket.GenericNack nack) {
                handler.nack(nack.lostSequenceNumbers());
            } else if (p instanceof RtcpPacket.PictureLossIndication) {
                handler.keyframe("PLI");
            } else if (p instanceof RtcpPacket.FullIntraRequest) {
                handler.keyframe("FIR");
            } else if (p instanceof RtcpPacket.ReceiverReport rr) {
                handler.receiverReport(rr);
            } else if (p instanceof RtcpPacket.ReceiverEstimatedMaximumBitrate remb) {
                handler.estimate(remb.bitrateBps());
            }
        }
    }
}
