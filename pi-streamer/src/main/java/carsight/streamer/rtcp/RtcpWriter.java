package carsight.streamer.rtcp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Builds the RTCP the streamer sends: sender report + SDES CNAME (a valid compound packet), and feedback for tests. */
public final class RtcpWriter {

    private RtcpWriter() {
    }

    /*
     * Sender report (RFC 3550 §6.4.1), no report blocks (we receive no media):
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |V=2|P|  RC=0   |   PT=SR=200   |           length=6            |
     * |                         SSRC of sender                        |
     * |              NTP timestamp, most significant word             |
     * |             NTP timestamp, least significant word             |
     * |                         RTP timestamp                         |
     * |                     sender's packet count                     |
     * |                      sender's octet count                     |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * followed by SDES (PT=202) with one chunk: SSRC, CNAME item, null terminator, padding to 32 bits.
     */
    public static byte[] senderReportWithCname(long ssrc, long ntpTime, long rtpTimestamp, long packets, long octets,
                                               String cname) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        header(out, 0, RtcpParser.SR, 6);
        u32(out, ssrc);
        u32(out, ntpTime >>> 32);
        u32(out, ntpTime);
        u32(out, rtpTimestamp);
        u32(out, packets);
        u32(out, octets);
        byte[] name = cname.getBytes(StandardCharsets.UTF_8);
        if (name.length > 255) {
            throw new IllegalArgumentException("CNAME longer than 255 bytes");
        }
        int chunk = 4 + 2 + name.length + 1;
        int padded = (chunk + 3) / 4 * 4;
        header(out, 1, RtcpParser.SDES, padded / 4);
        u32(out, ssrc);
        out.write(1); // CNAME
        out.write(name.length);
        out.write(name, 0, name.length);
        for (int i = chunk - 1; i < padded; i++) {
            out.write(0); // end of items, then padding
        }
        return out.toByteArray();
    }

    public static byte[] genericNack(long senderSsrc, long mediaSsrc, int pid, int blp) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        header(out, 1, RtcpParser.RTPFB, 3);
        u32(out, senderSsrc);
        u32(out, mediaSsrc);
        out.write(pid >> 8);
        out.write(pid);
        out.write(blp >> 8);
        out.write(blp);
        return out.toByteArray();
    }

    public static byte[] pictureLossIndication(long senderSsrc, long mediaSsrc) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        header(out, 1, RtcpParser.PSFB, 2);
        u32(out, senderSsrc);
        u32(out, mediaSsrc);
        return out.toByteArray();
    }

    public static byte[] receiverReport(long senderSsrc, List<RtcpPacket.ReportBlock> blocks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        header(out, blocks.size(), RtcpParser.RR, 1 + 6 * blocks.size());
        u32(out, senderSsrc);
        for (RtcpPacket.ReportBlock r : blocks) {
            u32(out, r.ssrc());
            out.write(r.fractionLost());
            out.write(r.cumulativeLost() >> 16);
            out.write(r.cumulativeLost() >> 8);
            out.write(r.cumulativeLost());
            u32(out, r.highestSequence());
            u32(out, r.jitter());
            u32(out, r.lastSenderReport());
            u32(out, r.delaySinceLastSenderReport());
        }
        return out.toByteArray();
    }

    private static void header(ByteArrayOutputStream out, int count, int type, int lengthWords) {
        out.write(0x80 | count);
        out.write(type);
        out.write(lengthWords >> 8);
        out.write(lengthWords);
    }

    private static void u32(ByteArrayOutputStream out, long v) {
        out.write((int) (v >>> 24));
        out.write((int) (v >>> 16));
        out.write((int) (v >>> 8));
        out.write((int) v);
    }
}
