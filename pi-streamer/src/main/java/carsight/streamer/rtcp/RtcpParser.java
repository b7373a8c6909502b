package carsight.streamer.rtcp;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a compound RTCP packet (RFC 3550 §6.1) and decodes the parts the streamer acts on.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P| RC/FMT  |      PT       |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * length: 32-bit words in this packet minus one
 * </pre>
 */
public final class RtcpParser {

    static final int SR = 200;
    static final int RR = 201;
    static final int SDES = 202;
    static final int BYE = 203;
    static final int RTPFB = 205;
    static final int PSFB = 206;

    private RtcpParser() {
    }

    public static List<RtcpPacket> parseCompound(byte[] b) throws RtcpFormatException {
        return parseCompound(b, b.length);
    }

    public static List<RtcpPacket> parseCompound(byte[] b, int length) throws RtcpFormatException {
        List<RtcpPacket> out = new ArrayList<>();
        int pos = 0;
        if (length < 4) {
            throw new RtcpFormatException("RTCP packet of " + length + " bytes is shorter than a header");
        }
        while (pos < length) {
            if (pos + 4 > length) {
                throw new RtcpFormatException("RTCP: " + (length - pos) + " trailing bytes at offset " + pos);
            }
            int first = b[pos] & 0xFF;
            if ((first >> 6) != 2) {
                throw new RtcpFormatException("RTCP: version " + (first >> 6) + " at offset " + pos + ", expected 2");
            }
            int count = first & 0x1F;
            int type = b[pos + 1] & 0xFF;
            int size = (u16(b, pos + 2) + 1) * 4;
            if (pos + size > length) {
                throw new RtcpFormatException("RTCP: packet type " + type + " at offset " + pos + " claims " + size
                        + " bytes, only " + (length - pos) + " left");
            }
            int end = pos + size;
            if ((first & 0x20) != 0) {
                int padding = b[end - 1] & 0xFF;
                if (padding == 0 || padding > size - 4) {
                    throw new RtcpFormatException("RTCP: bad padding length " + padding);
                }
                end -= padding;
            }
            out.add(decode(b, pos, end, type, count));
            pos += size;
        }
        return out;
    }

    private static RtcpPacket decode(byte[] b, int pos, int end, int type, int count) throws RtcpFormatException {
        int body = pos + 4;
        switch (type) {
            case SR -> {
                need(b, body, end, 24 + 24 * count, "sender report");
                long ssrc = u32(b, body);
                long ntp = (u32(b, body + 4) << 32) | u32(b, body + 8);
                return new RtcpPacket.SenderReport(ssrc, ntp, u32(b, body + 12), u32(b, body + 16), u32(b, body + 20),
                        reportBlocks(b, body + 24, count));
            }
            case RR -> {
                need(b, body, end, 4 + 24 * count, "receiver report");
                return new RtcpPacket.ReceiverReport(u32(b, body), reportBlocks(b, body + 4, count));
            }
            case BYE -> {
                need(b, body, end, 4 * count, "BYE");
                List<Long> ssrcs = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    ssrcs.add(u32(b, body + 4 * i));
                }
                return new RtcpPacket.Bye(ssrcs);
            }
            case RTPFB -> {
                need(b, body, end, 8, "transport feedback");
                if (count == 1) {
                    return nack(b, body, end);
                }
                return new RtcpPacket.Other(type, count);
            }
            case PSFB -> {
                need(b, body, end, 8, "payload-specific feedback");
                long sender = u32(b, body);
                if (count == 1) {
                    return new RtcpPacket.PictureLossIndication(sender, u32(b, body + 4));
                }
                if (count == 4) {
                    need(b, body, end, 16, "FIR");
                    return new RtcpPacket.FullIntraRequest(sender, u32(b, body + 8), b[body + 12] & 0xFF);
                }
                if (count == 15 && end - body >= 16 && b[body + 8] == 'R' && b[body + 9] == 'E' && b[body + 10] == 'M'
                        && b[body + 11] == 'B') {
                    return remb(b, body, end);
                }
                return new RtcpPacket.Other(type, count);
            }
            default -> {
                return new RtcpPacket.Other(type, count);
            }
        }
    }

    /*
     * Generic NACK FCI (RFC 4585 §6.2.1), one or more of:
     *  0                   1                   2                   3
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |            PID                |             BLP               |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * PID: a lost packet; bit i of BLP (LSB = 0): packet PID+i+1 lost too.
     */
    private static RtcpPacket nack(byte[] b, int body, int end) {
        List<Integer> lost = new ArrayList<>();
        for (int p = body + 8; p + 4 <= end; p += 4) {
            int pid = u16(b, p);
            int blp = u16(b, p + 2);
            lost.add(pid);
            for (int i = 0; i < 16; i++) {
                if ((blp & (1 << i)) != 0) {
                    lost.add((pid + i + 1) & 0xFFFF);
                }
            }
        }
        return new RtcpPacket.GenericNack(u32(b, body), u32(b, body + 4), lost);
    }

    /*
     * Receiver Estimated Maximum Bitrate (draft-alvestrand-rmcat-remb-03 §2.2), an application-layer feedback message
     * (PSFB, FMT=15) after the sender and media SSRC (0):
     *  0                   1                   2                   3
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |  Unique identifier 'R' 'E' 'M' 'B'                            |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |  Num SSRC     | BR Exp    |  BR Mantissa                      |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |   SSRC feedback (Num SSRC of them)                            |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * bitrate (b/s) = mantissa · 2^exp
     */
    private static RtcpPacket remb(byte[] b, int body, int end) throws RtcpFormatException {
        int ssrcCount = b[body + 12] & 0xFF;
        need(b, body, end, 16 + 4 * ssrcCount, "REMB");
        int exponent = (b[body + 13] & 0xFF) >> 2;
        long mantissa = ((b[body + 13] & 0x03L) << 16) | ((b[body + 14] & 0xFFL) << 8) | (b[body + 15] & 0xFFL);
        long bitrate = exponent > 45 ? Long.MAX_VALUE : mantissa << exponent;
        List<Long> ssrcs = new ArrayList<>(ssrcCount);
        for (int i = 0; i < ssrcCount; i++) {
            ssrcs.add(u32(b, body + 16 + 4 * i));
        }
        return new RtcpPacket.ReceiverEstimatedMaximumBitrate(u32(b, body), bitrate, ssrcs);
    }

    private static List<RtcpPacket.ReportBlock> reportBlocks(byte[] b, int pos, int count) {
        List<RtcpPacket.ReportBlock> blocks = new ArrayList<>(count);
        for (int i = 0; i < count; i++, pos += 24) {
            int lost = ((b[pos + 5] & 0xFF) << 16) | ((b[pos + 6] & 0xFF) << 8) | (b[pos + 7] & 0xFF);
            if ((lost & 0x800000) != 0) {
                lost |= 0xFF000000; // 24-bit signed
            }
            blocks.add(new RtcpPacket.ReportBlock(u32(b, pos), b[pos + 4] & 0xFF, lost, u32(b, pos + 8),
                    u32(b, pos + 12), u32(b, pos + 16), u32(b, pos + 20)));
        }
        return blocks;
    }

    private static void need(byte[] b, int body, int end, int bytes, String what) throws RtcpFormatException {
        if (body + bytes > end) {
            throw new RtcpFormatException("RTCP " + what + " needs " + bytes + " bytes, has " + (end - body));
        }
    }

    static int u16(byte[] b, int p) {
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }

    static long u32(byte[] b, int p) {
        return ((b[p] & 0xFFL) << 24) | ((b[p + 1] & 0xFFL) << 16) | ((b[p + 2] & 0xFFL) << 8) | (b[p + 3] & 0xFFL);
    }
}
