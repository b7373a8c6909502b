package carsight.streamer.send;

import carsight.streamer.rtcp.RtcpPacket;
import carsight.streamer.rtp.NtpTime;

/**
 * What a viewer's receiver reports (RFC 3550 §6.4.2) say about our stream: the fraction lost, and the round-trip time
 * from the last sender report it saw (LSR) and how long it held it (DLSR), against our clock now. Thread-safe reads.
 */
public final class ReceiverReports {

    /** A round trip longer than this is not believed (a stale or wrapped LSR). */
    private static final long MAX_RTT_UNITS = 0x10000L * 10;

    private final long ssrc;
    private volatile double rttMillis = -1;
    private volatile double lossFraction;

    public ReceiverReports(long ssrc) {
        this.ssrc = ssrc;
    }

    /** Takes the report blocks about our SSRC; {@code nowMicros} is when the report arrived (µs since the epoch). */
    public void onReport(RtcpPacket.ReceiverReport report, long nowMicros) {
        for (RtcpPacket.ReportBlock block : report.reports()) {
            if (block.ssrc() != ssrc) {
                continue;
            }
            lossFraction = block.lossFraction();
            if (block.lastSenderReport() != 0) {
                // all three in the middle 32 bits of NTP time: 1/65536 s
                long nowMiddle = NtpTime.middle32(NtpTime.fromEpochMicros(nowMicros));
                long rtt = (nowMiddle - block.lastSenderReport() - block.delaySinceLastSenderReport()) & 0xFFFFFFFFL;
                if (rtt < MAX_RTT_UNITS) {
                    rttMillis = rtt * 1000.0 / 65536.0;
                }
            }
        }
    }

    /** The last round-trip time, ms, or -1 before any. */
    public double rttMillis() {
        return rttMillis;
    }

    public double lossFraction() {
        return lossFraction;
    }
}
