package carsight.streamer.ice;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.zip.CRC32;

/**
 * Checks on STUN messages (RFC 8489), apart from ice4j, for the tests that look at what crosses the wire: is a
 * datagram STUN at all, and are its FINGERPRINT and MESSAGE-INTEGRITY right. Never throws on junk: every check answers
 * false.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0|     STUN Message Type     |         Message Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Magic Cookie                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Transaction ID (96 bits)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * then attributes: type (16) · length (16) · value padded to 32 bits
 * </pre>
 */
public final class StunChecks {

    static final int MAGIC_COOKIE = 0x2112A442;
    static final int MESSAGE_INTEGRITY = 0x0008;
    static final int FINGERPRINT = 0x8028;
    static final long FINGERPRINT_XOR = 0x5354554EL;

    private StunChecks() {
    }

    /** A well-formed STUN header whose length matches the datagram. */
    public static boolean looksLikeStun(byte[] b, int length) {
        if (length < 20 || b.length < length || (b[0] & 0xC0) != 0) {
            return false;
        }
        int declared = u16(b, 2);
        return declared % 4 == 0 && declared == length - 20 && u32(b, 4) == MAGIC_COOKIE;
    }

    /** The message ends with a FINGERPRINT whose CRC-32 (xor 0x5354554e) covers everything before it. */
    public static boolean fingerprintValid(byte[] b, int length) {
        if (!looksLikeStun(b, length) || length < 28) {
            return false;
        }
        int at = length - 8;
        if (u16(b, at) != FINGERPRINT || u16(b, at + 2) != 4 || !attributesEndAt(b, length)) {
            return false;
        }
        CRC32 crc = new CRC32();
        crc.update(b, 0, at);
        return ((crc.getValue() ^ FINGERPRINT_XOR) & 0xFFFFFFFFL) == (u32(b, at + 4) & 0xFFFFFFFFL);
    }

    /**
     * MESSAGE-INTEGRITY (HMAC-SHA1) is present and right for {@code key}: the ICE password for short-term
     * credentials, MD5(username:realm:password) for long-term ones. The HMAC covers the header, with its length
     * counted up to the end of MESSAGE-INTEGRITY, and every attribute before it.
     */
    public static boolean integrityValid(byte[] b, int length, byte[] key) {
        if (!looksLikeStun(b, length)) {
            return false;
        }
        int pos = 20;
        while (pos + 4 <= length) {
            int type = u16(b, pos);
            int size = u16(b, pos + 2);
            int next = pos + 4 + (size + 3) / 4 * 4;
            if (next > length) {
                return false;
            }
            if (type == MESSAGE_INTEGRITY) {
                if (size != 20) {
                    return false;
                }
                byte[] header = java.util.Arrays.copyOf(b, 20);
                int lengthUpToIntegrity = next - 20;
                header[2] = (byte) (lengthUpToIntegrity >> 8);
                header[3] = (byte) lengthUpToIntegrity;
                try {
                    Mac mac = Mac.getInstance("HmacSHA1");
                    mac.init(new SecretKeySpec(key, "HmacSHA1"));
                    mac.update(header);
                    mac.update(b, 20, pos - 20);
                    byte[] expected = mac.doFinal();
                    return MessageDigest.isEqual(expected, java.util.Arrays.copyOfRange(b, pos + 4, pos + 24));
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("HmacSHA1 is not available", e);
                }
            }
            pos = next;
        }
        return false;
    }

    private static boolean attributesEndAt(byte[] b, int length) {
        int pos = 20;
        while (pos + 4 <= length) {
            pos += 4 + (u16(b, pos + 2) + 3) / 4 * 4;
        }
        return pos == length;
    }

    private static int u16(byte[] b, int p) {
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }

    private static int u32(byte[] b, int p) {
        return ((b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
    }
}
