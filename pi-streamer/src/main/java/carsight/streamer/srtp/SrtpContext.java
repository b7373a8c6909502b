package carsight.streamer.srtp;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * SRTP and SRTCP for one direction with AES_CM_128_HMAC_SHA1_80 (RFC 3711): AES counter mode for confidentiality,
 * HMAC-SHA1 truncated to 80 bits for authentication, each from whichever implementation this JVM runs fastest
 * ({@link SrtpCrypto}: the JDK's, NSS's or the streamer's own).
 *
 * <p>Sending keeps the rollover counter of each SSRC as sequence numbers wrap; receiving RTCP checks the tag before
 * anything else and rejects replayed SRTCP indexes. Thread-safe (one lock; a viewer's packets are sequential anyway).
 */
public final class SrtpContext {

    static final int TAG_LENGTH = 10;

    private final SessionKeys rtpKeys;
    private final SessionKeys rtcpKeys;
    private final AesCounterMode rtpCipher;
    private final AesCounterMode rtcpCipher;
    private final SrtpMac rtpMac;
    private final SrtpMac rtcpMac;
    private final Map<Long, RolloverState> rollover = new HashMap<>();
    private final Map<Long, ReplayWindow> rtcpReplay = new HashMap<>();
    private int srtcpIndex;

    public SrtpContext(byte[] masterKey, byte[] masterSalt) {
        this(masterKey, masterSalt, SrtpCrypto.current());
    }

    /** With the AES and HMAC-SHA1 of {@code kind} rather than this JVM's choice. */
    SrtpContext(byte[] masterKey, byte[] masterSalt, SrtpCrypto.Kind kind) {
        this.rtpKeys = SessionKeys.forRtp(masterKey, masterSalt);
        this.rtcpKeys = SessionKeys.forRtcp(masterKey, masterSalt);
        this.rtpCipher = AesCounterMode.of(kind, rtpKeys.cipherKey());
        this.rtcpCipher = AesCounterMode.of(kind, rtcpKeys.cipherKey());
        this.rtpMac = SrtpCrypto.mac(kind, rtpKeys.authKey());
        this.rtcpMac = SrtpCrypto.mac(kind, rtcpKeys.authKey());
    }

    /** Encrypts and authenticates an RTP packet; returns a new array {@value #TAG_LENGTH} bytes longer. */
    public synchronized byte[] protectRtp(byte[] packet) {
        int header = rtpHeaderLength(packet, packet.length);
        if (header < 0) {
            throw new IllegalArgumentException("not an RTP packet");
        }
        long ssrc = u32(packet, 8);
        int seq = ((packet[2] & 0xFF) << 8) | (packet[3] & 0xFF);
        long roc = rollover.computeIfAbsent(ssrc, s -> new RolloverState()).advance(seq);
        byte[] out = Arrays.copyOf(packet, packet.length + TAG_LENGTH);
        crypt(rtpCipher, rtpKeys, ssrc, (roc << 16) | seq, out, header, packet.length - header);
        tag(rtpMac, out, packet.length, roc, out, packet.length);
        return out;
    }

    /**
     * Authenticates and decrypts an SRTP packet. Estimates the rollover counter from the highest sequence number seen
     * (RFC 3711 §3.3.1). Used by tests and tools; the streamer itself receives only RTCP.
     */
    public synchronized byte[] unprotectRtp(byte[] packet) throws SrtpException {
        int length = packet.length - TAG_LENGTH;
        int header = rtpHeaderLength(packet, length);
        if (header < 0) {
            throw new SrtpException("SRTP packet of " + packet.length + " bytes is too short");
        }
        long ssrc = u32(packet, 8);
        int seq = ((packet[2] & 0xFF) << 8) | (packet[3] & 0xFF);
        RolloverState state = rollover.computeIfAbsent(ssrc, s -> new RolloverState());
        long roc = state.estimate(seq);
        byte[] expected = new byte[TAG_LENGTH];
        tag(rtpMac, packet, length, roc, expected, 0);
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(packet, length, packet.length))) {
            throw new SrtpException("SRTP authentication failed");
        }
        state.accept(seq, roc);
        byte[] out = Arrays.copyOf(packet, length);
        crypt(rtpCipher, rtpKeys, ssrc, (roc << 16) | seq, out, header, length - header);
        return out;
    }

    /*
     * SRTCP (RFC 3711 §3.4): the first 8 bytes (header + sender SSRC) stay clear, the rest is encrypted, then
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |E|                         SRTCP index                         |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                    authentication tag (80 bits)               |
     * authenticated portion: everything before the tag, E|index included.
     */
    public synchronized byte[] protectRtcp(byte[] packet) {
        if (packet.length < 8) {
            throw new IllegalArgumentException("RTCP packet shorter than 8 bytes");
        }
        long ssrc = u32(packet, 4);
        int index = srtcpIndex;
        srtcpIndex = (srtcpIndex + 1) & 0x7FFFFFFF;
        byte[] out = Arrays.copyOf(packet, packet.length + 4 + TAG_LENGTH);
        crypt(rtcpCipher, rtcpKeys, ssrc, index, out, 8, packet.length - 8);
        putU32(out, packet.length, 0x80000000L | index);
        tag(rtcpMac, out, packet.length + 4, -1, out, packet.length + 4);
        return out;
    }

    public synchronized byte[] unprotectRtcp(byte[] packet) throws SrtpException {
        if (packet.length < 8 + 4 + TAG_LENGTH) {
            throw new SrtpException("SRTCP packet of " + packet.length + " bytes is too short");
        }
        int authenticated = packet.length - TAG_LENGTH;
        byte[] expected = new byte[TAG_LENGTH];
        tag(rtcpMac, packet, authenticated, -1, expected, 0);
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(packet, authenticated, packet.length))) {
            throw new SrtpException("SRTCP authentication failed");
        }
        long eIndex = u32(packet, authenticated - 4);
        int index = (int) (eIndex & 0x7FFFFFFF);
        long ssrc = u32(packet, 4);
        ReplayWindow window = rtcpReplay.computeIfAbsent(ssrc, s -> new ReplayWindow());
        if (!window.accept(index)) {
            throw new SrtpException("SRTCP index " + index + " replayed");
        }
        int length = authenticated - 4;
        byte[] out = Arrays.copyOf(packet, length);
        if ((eIndex & 0x80000000L) != 0) {
            crypt(rtcpCipher, rtcpKeys, ssrc, index, out, 8, length - 8);
        }
        return out;
    }

    /*
     * AES-CM IV (RFC 3711 §4.1.1): IV = (k_s · 2^16) XOR (SSRC · 2^64) XOR (i · 2^16), i the packet index.
     */
    private static void crypt(AesCounterMode cipher, SessionKeys keys, long ssrc, long index, byte[] data, int offset,
            int length) {
        if (length <= 0) {
            return;
        }
        byte[] iv = new byte[16];
        System.arraycopy(keys.salt(), 0, iv, 0, 14);
        for (int i = 0; i < 4; i++) {
            iv[4 + i] ^= (byte) (ssrc >>> (24 - 8 * i));
        }
        for (int i = 0; i < 6; i++) {
            iv[8 + i] ^= (byte) (index >>> (40 - 8 * i));
        }
        cipher.xor(iv, data, offset, length);
    }

    /**
     * HMAC-SHA1 over {@code data[0..length)} followed by the ROC (RTP) or nothing (RTCP, roc < 0), its first
     * {@value #TAG_LENGTH} bytes written to {@code out} at {@code offset}.
     */
    private static void tag(SrtpMac mac, byte[] data, int length, long roc, byte[] out, int offset) {
        mac.reset();
        mac.update(data, 0, length);
        if (roc >= 0) {
            mac.updateInt((int) roc);
        }
        mac.finish(out, offset, TAG_LENGTH);
    }

    /** Length of the RTP header including CSRCs and extension, or -1 when the packet is too short. */
    static int rtpHeaderLength(byte[] p, int length) {
        if (length < 12) {
            return -1;
        }
        int header = 12 + 4 * (p[0] & 0x0F);
        if ((p[0] & 0x10) != 0) {
            if (header + 4 > length) {
                return -1;
            }
            header += 4 + 4 * (((p[header + 2] & 0xFF) << 8) | (p[header + 3] & 0xFF));
        }
        return header <= length ? header : -1;
    }

    static long u32(byte[] b, int p) {
        return ((b[p] & 0xFFL) << 24) | ((b[p + 1] & 0xFFL) << 16) | ((b[p + 2] & 0xFFL) << 8) | (b[p + 3] & 0xFFL);
    }

    static void putU32(byte[] b, int p, long v) {
        b[p] = (byte) (v >>> 24);
        b[p + 1] = (byte) (v >>> 16);
        b[p + 2] = (byte) (v >>> 8);
        b[p + 3] = (byte) v;
    }

    /** Rollover counter of one SSRC (RFC 3711 §3.3.1). */
    private static final class RolloverState {
        private boolean started;
        private int highestSeq;
        private long roc;

        /** Sender side: the ROC for the next packet with this sequence number. */
        long advance(int seq) {
            if (started && seq < highestSeq && highestSeq - seq > 0x8000) {
                roc = (roc + 1) & 0xFFFFFFFFL;
            }
            if (!started || seqNewer(seq, highestSeq)) {
                highestSeq = seq;
            }
            started = true;
            return roc;
        }

        long estimate(int seq) {
            if (!started) {
                return roc;
            }
            if (highestSeq < 0x8000) {
                return seq - highestSeq > 0x8000 ? (roc - 1) & 0xFFFFFFFFL : roc;
            }
            return highestSeq - 0x8000 > seq ? (roc + 1) & 0xFFFFFFFFL : roc;
        }

        void accept(int seq, long packetRoc) {
            if (!started || packetRoc > roc || (packetRoc == roc && seqNewer(seq, highestSeq))) {
                roc = packetRoc;
                highestSeq = seq;
            }
            started = true;
        }

        private static boolean seqNewer(int a, int b) {
            return ((a - b) & 0xFFFF) < 0x8000 && a != b;
        }
    }

    /** 64-entry sliding replay window over SRTCP indexes. */
    private static final class ReplayWindow {
        private long highest = -1;
        private long bitmap;

        boolean accept(long index) {
            if (highest < 0 || index > highest) {
                long shift = highest < 0 ? 64 : index - highest;
                bitmap = shift >= 64 ? 1 : (bitmap << shift) | 1;
                highest = index;
                return true;
            }
            long back = highest - index;
            if (back >= 64 || (bitmap & (1L << back)) != 0) {
                return false;
            }
            bitmap |= 1L << back;
            return true;
        }
    }
}
