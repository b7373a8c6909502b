package carsight.streamer.send;

import carsight.streamer.rtcp.RtcpWriter;
import carsight.streamer.rtp.NtpTime;

import java.util.function.LongUnaryOperator;

/**
 * RTCP sender reports (RFC 3550 §6.4.1): one wall-clock instant written both as NTP time and as the RTP timestamp the
 * stream's clock gives it, so a receiver can put a frame's RTP timestamp on our wall clock; with the counts of what
 * was sent and our CNAME (a compound packet, plain — protected by the caller).
 */
public final class SenderReports {

    private final long ssrc;
    private final String cname;
    private final LongUnaryOperator rtpTimestampAt;

    /** @param rtpTimestampAt the stream's RTP timestamp (90 kHz) at a wall-clock time in µs since the epoch */
    public SenderReports(long ssrc, String cname, LongUnaryOperator rtpTimestampAt) {
        this.ssrc = ssrc;
        this.cname = cname;
        this.rtpTimestampAt = rtpTimestampAt;
    }

    public byte[] report(long nowMicros, long packetsSent, long payloadOctetsSent) {
        return RtcpWriter.senderReportWithCname(ssrc, NtpTime.fromEpochMicros(nowMicros),
                rtpTimestampAt.applyAsLong(nowMicros) & 0xFFFFFFFFL, packetsSent, payloadOctetsSent, cname);
    }
}
