package carsight.streamer.rtp;

import java.util.ArrayList;
import java.util.List;

/**
 * An RTP packet (RFC 3550 §5.1) with RFC 8285 one-byte header extensions.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                             SSRC                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |       0xBE    |    0xDE       |           length              |  (X=1: RFC 8285 one-byte form)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  ID   |  L=n-1 |  n bytes of data ...  | padding to 32 bits    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           payload ...                         |
 * </pre>
 */
public record RtpPacket(int payloadType, boolean marker, int sequenceNumber, long timestamp, long ssrc,
                        List<HeaderExtension> extensions, byte[] payload) {

    /** One RFC 8285 one-byte-form element: id 1..14, 1..16 bytes of data. */
    public record HeaderExtension(int id, byte[] data) {
        public HeaderExtension {
            if (id < 1 || id > 14) {
                throw new IllegalArgumentException("one-byte header extension id " + id + " is outside 1..14");
            }
            if (data.length < 1 || data.length > 16) {
                throw new IllegalArgumentException("one-byte header extension data must be 1..16 bytes");
            }
        }
    }

    public RtpPacket {
        extensions = List.copyOf(extensions);
    }

    /** Bytes the extension block takes, 0 without extensions. */
    public static int extensionBlockSize(List<HeaderExtension> extensions) {
        if (extensions.isEmpty()) {
            return 0;
        }
        int body = 0;
        for (HeaderExtension e : extensions) {
            body += 1 + e.data().length;
        }
        return 4 + (body + 3) / 4 * 4;
    }

    public byte[] toBytes() {
        int ext = extensionBlockSize(extensions);
        byte[] out = new byte[12 + ext + payload.length];
        out[0] = (byte) (0x80 | (ext > 0 ? 0x10 : 0));
        out[1] = (byte) ((marker ? 0x80 : 0) | (payloadType & 0x7F));
        out[2] = (byte) (sequenceNumber >> 8);
        out[3] = (byte) sequenceNumber;
        putInt(out, 4, timestamp);
        putInt(out, 8, ssrc);
        int pos = 12;
        if (ext > 0) {
            out[pos] = (byte) 0xBE;
            out[pos + 1] = (byte) 0xDE;
            int words = (ext - 4) / 4;
            out[pos + 2] = (byte) (words >> 8);
            out[pos + 3] = (byte) words;
            pos += 4;
            for (HeaderExtension e : extensions) {
                out[pos++] = (byte) ((e.id() << 4) | (e.data().length - 1));
                System.arraycopy(e.data(), 0, out, pos, e.data().length);
                pos += e.data().length;
            }
            pos = 12 + ext; // zero padding already in place
        }
        System.arraycopy(payload, 0, out, pos, payload.length);
        return out;
    }

    /** Parses a plain (unprotected) RTP packet; {@link IllegalArgumentException} says what is wrong. */
    public static RtpPacket parse(byte[] b, int length) {
        if (length < 12 || b.length < length) {
            throw new IllegalArgumentException("RTP packet of " + length + " bytes is shorter than its 12-byte header");
        }
        if ((b[0] & 0xC0) != 0x80) {
            throw new IllegalArgumentException("not RTP version 2");
        }
        int csrcs = b[0] & 0x0F;
        int pos = 12 + 4 * csrcs;
        List<HeaderExtension> extensions = new ArrayList<>();
        if ((b[0] & 0x10) != 0) {
            if (pos + 4 > length) {
                throw new IllegalArgumentException("RTP header extension is cut short");
            }
            int profile = ((b[pos] & 0xFF) << 8) | (b[pos + 1] & 0xFF);
            int words = ((b[pos + 2] & 0xFF) << 8) | (b[pos + 3] & 0xFF);
            int end = pos + 4 + words * 4;
            if (end > length) {
                throw new IllegalArgumentException("RTP header extension overruns the packet");
            }
            if (profile == 0xBEDE) {
                int p = pos + 4;
                while (p < end) {
                    int id = (b[p] & 0xF0) >> 4;
                    if (id == 0) {
                        p++;
                        continue;
                    }
                    if (id == 15) {
                        break;
                    }
                    int len = (b[p] & 0x0F) + 1;
                    if (p + 1 + len > end) {
                        throw new IllegalArgumentException("header extension element " + id + " overruns its block");
                    }
                    extensions.add(new HeaderExtension(id, java.util.Arrays.copyOfRange(b, p + 1, p + 1 + len)));
                    p += 1 + len;
                }
            }
            pos = end;
        }
        int payloadEnd = length;
        if ((b[0] & 0x20) != 0) {
            int padding = b[length - 1] & 0xFF;
            if (padding == 0 || pos + padding > length) {
                throw new IllegalArgumentException("RTP padding length " + padding + " is invalid");
            }
            payloadEnd -= padding;
        }
        if (pos > payloadEnd) {
            throw new IllegalArgumentException("RTP header is longer than the packet");
        }
        return new RtpPacket(b[1] & 0x7F, (b[1] & 0x80) != 0, ((b[2] & 0xFF) << 8) | (b[3] & 0xFF),
                getInt(b, 4), getInt(b, 8), extensions, java.util.Arrays.copyOfRange(b, pos, payloadEnd));
    }

    static void putInt(byte[] b, int offset, long value) {
        b[offset] = (byte) (value >> 24);
        b[offset + 1] = (byte) (value >> 16);
        b[offset + 2] = (byte) (value >> 8);
        b[offset + 3] = (byte) value;
    }

    static long getInt(byte[] b, int offset) {
        return ((b[offset] & 0xFFL) << 24) | ((b[offset + 1] & 0xFFL) << 16) | ((b[offset + 2] & 0xFFL) << 8)
                | (b[offset + 3] & 0xFFL);
    }
}
