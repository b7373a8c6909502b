package carsight.streamer.rtcp;

import java.util.List;

/** The RTCP packets the streamer acts on; everything else in a compound packet is {@link Other}. */
public sealed interface RtcpPacket {

    /** A reception report block (RFC 3550 §6.4.1). */
    record ReportBlock(long ssrc, int fractionLost, int cumulativeLost, long highestSequence, long jitter,
                       long lastSenderReport, long delaySinceLastSenderReport) {

        /** Fraction of packets lost since the previous report, 0..1. */
        public double lossFraction() {
            return fractionLost / 256.0;
        }
    }

    record SenderReport(long ssrc, long ntpTime, long rtpTimestamp, long packetCount, long octetCount,
                        List<ReportBlock> reports) implements RtcpPacket {
    }

    record ReceiverReport(long senderSsrc, List<ReportBlock> reports) implements RtcpPacket {
    }

    /** Generic NACK (RFC 4585 §6.2.1): the media SSRC and the sequence numbers reported lost. */
    record GenericNack(long senderSsrc, long mediaSsrc, List<Integer> lostSequenceNumbers) implements RtcpPacket {
    }

    /** Picture Loss Indication (RFC 4585 §6.3.1). */
    record PictureLossIndication(long senderSsrc, long mediaSsrc) implements RtcpPacket {
    }

    /** Full Intra Request (RFC 5104 §4.3.1): the SSRC asked for a keyframe and the request's sequence number. */
    record FullIntraRequest(long senderSsrc, long targetSsrc, int commandSequence) implements RtcpPacket {
    }

    record Bye(List<Long> ssrcs) implements RtcpPacket {
    }

    /**
     * REMB: the bitrate the receiver estimates its path can carry (b/s), for the media SSRCs listed. libwebrtc and
     * Chromium send it when the stream carries abs-send-time on every packet and no transport-wide sequence number.
     */
    record ReceiverEstimatedMaximumBitrate(long senderSsrc, long bitrateBps, List<Long> ssrcs) implements RtcpPacket {
    }

    /** Anything else (SDES, transport-cc, XR, …): recognised and skipped. */
    record Other(int packetType, int format) implements RtcpPacket {
    }
}
