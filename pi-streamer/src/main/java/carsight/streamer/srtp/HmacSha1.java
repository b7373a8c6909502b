package carsight.streamer.srtp;

/**
 * HMAC-SHA1 (RFC 2104 over FIPS 180-4's SHA-1) for one key, as SRTP authenticates every packet with it. The JVM's own
 * SHA-1 reads its input through VarHandles, which a JIT makes fast but an interpreter-only or client JVM — what a
 * Pi Zero has — runs dozens of calls deep for every four bytes; here the words are read with shifts, the key's inner
 * and outer pad blocks are hashed once (two compressions fewer per packet) and nothing is allocated per tag but the
 * rollover counter's four bytes. {@code HmacSha1Test} holds it against the RFC 2202 vectors and against
 * {@code javax.crypto.Mac}. Not thread-safe.
 */
final class HmacSha1 implements SrtpMac {

    static final int LENGTH = 20;
    private static final int BLOCK = 64;

    private final int[] innerStart = new int[5];
    private final int[] outerStart = new int[5];
    private final int[] h = new int[5];
    private final int[] w = new int[80];
    private final byte[] buffer = new byte[BLOCK];
    private final byte[] digest = new byte[LENGTH];
    private int buffered;
    private long total;

    HmacSha1(byte[] key) {
        byte[] k = key;
        if (k.length > BLOCK) {
            HmacSha1 plain = new HmacSha1(new byte[0]);
            plain.startPlain();
            plain.update(k, 0, k.length);
            k = plain.finishPlain().clone();
        }
        byte[] pad = new byte[BLOCK];
        for (int i = 0; i < BLOCK; i++) {
            pad[i] = (byte) ((i < k.length ? k[i] : 0) ^ 0x36);
        }
        startPlain();
        compress(pad, 0);
        System.arraycopy(h, 0, innerStart, 0, 5);
        for (int i = 0; i < BLOCK; i++) {
            pad[i] = (byte) ((i < k.length ? k[i] : 0) ^ 0x5c);
        }
        startPlain();
        compress(pad, 0);
        System.arraycopy(h, 0, outerStart, 0, 5);
        reset();
    }

    @Override
    public void reset() {
        System.arraycopy(innerStart, 0, h, 0, 5);
        buffered = 0;
        total = BLOCK;
    }

    @Override
    public void update(byte[] data, int offset, int length) {
        int i = offset;
        int end = offset + length;
        total += length;
        if (buffered > 0) {
            int take = Math.min(BLOCK - buffered, length);
            System.arraycopy(data, i, buffer, buffered, take);
            buffered += take;
            i += take;
            if (buffered < BLOCK) {
                return;
            }
            compress(buffer, 0);
            buffered = 0;
        }
        for (; i + BLOCK <= end; i += BLOCK) {
            compress(data, i);
        }
        buffered = end - i;
        System.arraycopy(data, i, buffer, 0, buffered);
    }

    @Override
    public void finish(byte[] out, int offset, int length) {
        finishBlock();
        toBytes(digest);
        System.arraycopy(outerStart, 0, h, 0, 5);
        total = BLOCK;
        buffered = 0;
        update(digest, 0, LENGTH);
        finishBlock();
        toBytes(digest);
        System.arraycopy(digest, 0, out, offset, Math.min(length, LENGTH));
        reset();
    }

    private void startPlain() {
        h[0] = 0x67452301;
        h[1] = 0xEFCDAB89;
        h[2] = 0x98BADCFE;
        h[3] = 0x10325476;
        h[4] = 0xC3D2E1F0;
        buffered = 0;
        total = 0;
    }

    private byte[] finishPlain() {
        finishBlock();
        toBytes(digest);
        return digest;
    }

    /** SHA-1's padding: 0x80, zeros, then the message length in bits. */
    private void finishBlock() {
        long bits = total * 8;
        buffer[buffered++] = (byte) 0x80;
        if (buffered > BLOCK - 8) {
            java.util.Arrays.fill(buffer, buffered, BLOCK, (byte) 0);
            compress(buffer, 0);
            buffered = 0;
        }
        java.util.Arrays.fill(buffer, buffered, BLOCK - 8, (byte) 0);
        for (int i = 0; i < 8; i++) {
            buffer[BLOCK - 8 + i] = (byte) (bits >>> (56 - 8 * i));
        }
        compress(buffer, 0);
        buffered = 0;
    }

    private void toBytes(byte[] out) {
        for (int i = 0; i < 5; i++) {
            out[4 * i] = (byte) (h[i] >>> 24);
            out[4 * i + 1] = (byte) (h[i] >>> 16);
            out[4 * i + 2] = (byte) (h[i] >>> 8);
            out[4 * i + 3] = (byte) h[i];
        }
    }

    private void compress(byte[] block, int offset) {
        int[] x = w;
        for (int t = 0, o = offset; t < 16; t++, o += 4) {
            x[t] = (block[o] << 24) | ((block[o + 1] & 0xFF) << 16) | ((block[o + 2] & 0xFF) << 8) | (block[o + 3] & 0xFF);
        }
        for (int t = 16; t < 80; t++) {
            int v = x[t - 3] ^ x[t - 8] ^ x[t - 14] ^ x[t - 16];
            x[t] = (v << 1) | (v >>> 31);
        }
        int a = h[0];
        int b = h[1];
        int c = h[2];
        int d = h[3];
        int e = h[4];
        // five rounds at a time, the variables' roles rotating instead of their values (no moves between rounds)
        for (int t = 0; t < 20; t += 5) {
            e += ((a << 5) | (a >>> 27)) + (d ^ (b & (c ^ d))) + x[t] + 0x5A827999;
            b = (b << 30) | (b >>> 2);
            d += ((e << 5) | (e >>> 27)) + (c ^ (a & (b ^ c))) + x[t + 1] + 0x5A827999;
            a = (a << 30) | (a >>> 2);
            c += ((d << 5) | (d >>> 27)) + (b ^ (e & (a ^ b))) + x[t + 2] + 0x5A827999;
            e = (e << 30) | (e >>> 2);
            b += ((c << 5) | (c >>> 27)) + (a ^ (d & (e ^ a))) + x[t + 3] + 0x5A827999;
            d = (d << 30) | (d >>> 2);
            a += ((b << 5) | (b >>> 27)) + (e ^ (c & (d ^ e))) + x[t + 4] + 0x5A827999;
            c = (c << 30) | (c >>> 2);
        }
        for (int t = 20; t < 40; t += 5) {
            e += ((a << 5) | (a >>> 27)) + (b ^ c ^ d) + x[t] + 0x6ED9EBA1;
            b = (b << 30) | (b >>> 2);
            d += ((e << 5) | (e >>> 27)) + (a ^ b ^ c) + x[t + 1] + 0x6ED9EBA1;
            a = (a << 30) | (a >>> 2);
            c += ((d << 5) | (d >>> 27)) + (e ^ a ^ b) + x[t + 2] + 0x6ED9EBA1;
            e = (e << 30) | (e >>> 2);
            b += ((c << 5) | (c >>> 27)) + (d ^ e ^ a) + x[t + 3] + 0x6ED9EBA1;
            d = (d << 30) | (d >>> 2);
            a += ((b << 5) | (b >>> 27)) + (c ^ d ^ e) + x[t + 4] + 0x6ED9EBA1;
            c = (c << 30) | (c >>> 2);
        }
        for (int t = 40; t < 60; t += 5) {
            e += ((a << 5) | (a >>> 27)) + ((b & c) | (d & (b | c))) + x[t] + 0x8F1BBCDC;
            b = (b << 30) | (b >>> 2);
            d += ((e << 5) | (e >>> 27)) + ((a & b) | (c & (a | b))) + x[t + 1] + 0x8F1BBCDC;
            a = (a << 30) | (a >>> 2);
            c += ((d << 5) | (d >>> 27)) + ((e & a) | (b & (e | a))) + x[t + 2] + 0x8F1BBCDC;
            e = (e << 30) | (e >>> 2);
            b += ((c << 5) | (c >>> 27)) + ((d & e) | (a & (d | e))) + x[t + 3] + 0x8F1BBCDC;
            d = (d << 30) | (d >>> 2);
            a += ((b << 5) | (b >>> 27)) + ((c & d) | (e & (c | d))) + x[t + 4] + 0x8F1BBCDC;
            c = (c << 30) | (c >>> 2);
        }
        for (int t = 60; t < 80; t += 5) {
            e += ((a << 5) | (a >>> 27)) + (b ^ c ^ d) + x[t] + 0xCA62C1D6;
            b = (b << 30) | (b >>> 2);
            d += ((e << 5) | (e >>> 27)) + (a ^ b ^ c) + x[t + 1] + 0xCA62C1D6;
            a = (a << 30) | (a >>> 2);
            c += ((d << 5) | (d >>> 27)) + (e ^ a ^ b) + x[t + 2] + 0xCA62C1D6;
            e = (e << 30) | (e >>> 2);
            b += ((c << 5) | (c >>> 27)) + (d ^ e ^ a) + x[t + 3] + 0xCA62C1D6;
            d = (d << 30) | (d >>> 2);
            a += ((b << 5) | (b >>> 27)) + (c ^ d ^ e) + x[t + 4] + 0xCA62C1D6;
            c = (c << 30) | (c >>> 2);
        }
        h[0] += a;
        h[1] += b;
        h[2] += c;
        h[3] += d;
        h[4] += e;
    }
}
