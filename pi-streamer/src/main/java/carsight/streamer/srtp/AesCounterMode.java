package carsight.streamer.srtp;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.Provider;

/**
 * AES-128 in counter mode for one key, as SRTP encrypts every packet with it: XORs the keystream that starts at a
 * 128-bit counter block into a range of bytes.
 *
 * <p>Three ways to compute it. Where the JVM compiles the JDK's AES to the processor's AES instructions (a server JIT
 * on a processor that has them), the JDK's {@code AES/CTR/NoPadding} is fastest and constant-time. A Pi Zero W has no
 * AES instructions and runs a client JIT or only an interpreter; there the JDK's path re-initialises a {@code Cipher}
 * per packet and builds the keystream byte by byte, and an interpreter pays for every call of that. There NSS's AES
 * ({@link Nss}, C code of the system's {@code libnss3}) is used where it is installed; where it is not, the
 * table-driven AES here (FIPS 197, the round function as four 256-entry tables, the same method the JDK falls back to
 * without AES instructions; like it, not constant-time against cache timing) expands the key once, builds each counter
 * block as four words and XORs the keystream in a word at a time. {@link #forThisJvm} picks one;
 * {@code AesCounterModeTest} holds all three to RFC 3711's AES-CM keystream and to each other.
 *
 * <p>The counter blocks SRTP uses have zeros in their low 16 bits (RFC 3711 §4.1.1), so the block index is added to
 * the last word without a carry; a range is therefore at most 2^16 blocks (1 MiB). Not thread-safe.
 */
abstract sealed class AesCounterMode permits AesCounterMode.Tables, AesCounterMode.Jdk, AesCounterMode.Nss {

    /** Largest range one call may cover: 2^16 blocks of 16 bytes. */
    static final int MAX_LENGTH = 16 << 16;

    /**
     * XORs the keystream from counter block {@code iv} (16 bytes, low 16 bits zero) into {@code data[offset..offset +
     * length)}.
     */
    final void xor(byte[] iv, byte[] data, int offset, int length) {
        if (length > MAX_LENGTH) {
            throw new IllegalArgumentException("at most " + MAX_LENGTH + " bytes per counter block, not " + length);
        }
        apply(iv, data, offset, length);
    }

    abstract void apply(byte[] iv, byte[] data, int offset, int length);

    /** What this JVM runs best (see {@link SrtpCrypto}). */
    static AesCounterMode forThisJvm(byte[] key) {
        return of(SrtpCrypto.current(), key);
    }

    /** The one of this kind; the tables where NSS fails for this key (logged). */
    static AesCounterMode of(SrtpCrypto.Kind kind, byte[] key) {
        if (kind == SrtpCrypto.Kind.NSS) {
            try {
                return new Nss(key, carsight.streamer.srtp.Nss.provider());
            } catch (GeneralSecurityException | RuntimeException e) {
                SrtpCrypto.failed("AES", e);
                return new Tables(key);
            }
        }
        return kind == SrtpCrypto.Kind.TABLES ? new Tables(key) : new Jdk(key);
    }

    /** AES from FIPS 197 with the round function as lookup tables; the key schedule is computed once. */
    static final class Tables extends AesCounterMode {

        private static final int[] SBOX = new int[256];
        private static final int[] TE0 = new int[256];
        private static final int[] TE1 = new int[256];
        private static final int[] TE2 = new int[256];
        private static final int[] TE3 = new int[256];

        static {
            // the S-box from its definition (FIPS 197 §5.1.1): the multiplicative inverse in GF(2^8), then the affine map
            int p = 1;
            int q = 1;
            do {
                p = p ^ ((p << 1) & 0xFF) ^ ((p & 0x80) != 0 ? 0x1B : 0); // p · 3
                q ^= q << 1; // q / 3
                q ^= q << 2;
                q ^= q << 4;
                q &= 0xFF;
                if ((q & 0x80) != 0) {
                    q ^= 0x09;
                }
                int x = q ^ rotl8(q, 1) ^ rotl8(q, 2) ^ rotl8(q, 3) ^ rotl8(q, 4);
                SBOX[p] = (x ^ 0x63) & 0xFF;
            } while (p != 1);
            SBOX[0] = 0x63;
            for (int i = 0; i < 256; i++) {
                int s = SBOX[i];
                int s2 = ((s << 1) ^ ((s & 0x80) != 0 ? 0x1B : 0)) & 0xFF;
                int word = (s2 << 24) | (s << 16) | (s << 8) | (s2 ^ s);
                TE0[i] = word;
                TE1[i] = Integer.rotateRight(word, 8);
                TE2[i] = Integer.rotateRight(word, 16);
                TE3[i] = Integer.rotateRight(word, 24);
            }
        }

        private static int rotl8(int x, int shift) {
            return ((x << shift) | (x >>> (8 - shift))) & 0xFF;
        }

        private final int[] roundKeys = new int[44];

        Tables(byte[] key) {
            if (key.length != 16) {
                throw new IllegalArgumentException("AES-128 needs a 16-byte key, not " + key.length);
            }
            int[] w = roundKeys;
            for (int i = 0; i < 4; i++) {
                w[i] = word(key, 4 * i);
            }
            int rcon = 1;
            for (int i = 4; i < 44; i++) {
                int t = w[i - 1];
                if ((i & 3) == 0) {
                    t = (SBOX[(t >>> 16) & 0xFF] << 24) | (SBOX[(t >>> 8) & 0xFF] << 16) | (SBOX[t & 0xFF] << 8)
                            | SBOX[t >>> 24];
                    t ^= rcon << 24;
                    rcon = ((rcon << 1) ^ ((rcon & 0x80) != 0 ? 0x1B : 0)) & 0xFF;
                }
                w[i] = w[i - 4] ^ t;
            }
        }

        private static int word(byte[] b, int p) {
            return (b[p] << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
        }

        @Override
        void apply(byte[] iv, byte[] data, int offset, int length) {
            if ((iv[14] | iv[15]) != 0) {
                throw new IllegalArgumentException("the counter block's low 16 bits must be zero");
            }
            // locals rather than fields: what an interpreter reads fastest
            int[] w = roundKeys;
            int[] t0 = TE0;
            int[] t1 = TE1;
            int[] t2 = TE2;
            int[] t3 = TE3;
            int[] sbox = SBOX;
            int c0 = word(iv, 0) ^ w[0];
            int c1 = word(iv, 4) ^ w[1];
            int c2 = word(iv, 8) ^ w[2];
            int c3 = word(iv, 12);
            int end = offset + length;
            for (int p = offset, block = 0; p < end; block++) {
                int s0 = c0;
                int s1 = c1;
                int s2 = c2;
                int s3 = (c3 + block) ^ w[3];
                int k = 4;
                for (int round = 1; round < 10; round++, k += 4) {
                    int n0 = t0[s0 >>> 24] ^ t1[(s1 >>> 16) & 0xFF] ^ t2[(s2 >>> 8) & 0xFF] ^ t3[s3 & 0xFF] ^ w[k];
                    int n1 = t0[s1 >>> 24] ^ t1[(s2 >>> 16) & 0xFF] ^ t2[(s3 >>> 8) & 0xFF] ^ t3[s0 & 0xFF] ^ w[k + 1];
                    int n2 = t0[s2 >>> 24] ^ t1[(s3 >>> 16) & 0xFF] ^ t2[(s0 >>> 8) & 0xFF] ^ t3[s1 & 0xFF] ^ w[k + 2];
                    s3 = t0[s3 >>> 24] ^ t1[(s0 >>> 16) & 0xFF] ^ t2[(s1 >>> 8) & 0xFF] ^ t3[s2 & 0xFF] ^ w[k + 3];
                    s0 = n0;
                    s1 = n1;
                    s2 = n2;
                }
                int k0 = ((sbox[s0 >>> 24] << 24) | (sbox[(s1 >>> 16) & 0xFF] << 16) | (sbox[(s2 >>> 8) & 0xFF] << 8)
                        | sbox[s3 & 0xFF]) ^ w[40];
                int k1 = ((sbox[s1 >>> 24] << 24) | (sbox[(s2 >>> 16) & 0xFF] << 16) | (sbox[(s3 >>> 8) & 0xFF] << 8)
                        | sbox[s0 & 0xFF]) ^ w[41];
                int k2 = ((sbox[s2 >>> 24] << 24) | (sbox[(s3 >>> 16) & 0xFF] << 16) | (sbox[(s0 >>> 8) & 0xFF] << 8)
                        | sbox[s1 & 0xFF]) ^ w[42];
                int k3 = ((sbox[s3 >>> 24] << 24) | (sbox[(s0 >>> 16) & 0xFF] << 16) | (sbox[(s1 >>> 8) & 0xFF] << 8)
                        | sbox[s2 & 0xFF]) ^ w[43];
                if (end - p >= 16) {
                    data[p] ^= (byte) (k0 >>> 24);
                    data[p + 1] ^= (byte) (k0 >>> 16);
                    data[p + 2] ^= (byte) (k0 >>> 8);
                    data[p + 3] ^= (byte) k0;
                    data[p + 4] ^= (byte) (k1 >>> 24);
                    data[p + 5] ^= (byte) (k1 >>> 16);
                    data[p + 6] ^= (byte) (k1 >>> 8);
                    data[p + 7] ^= (byte) k1;
                    data[p + 8] ^= (byte) (k2 >>> 24);
                    data[p + 9] ^= (byte) (k2 >>> 16);
                    data[p + 10] ^= (byte) (k2 >>> 8);
                    data[p + 11] ^= (byte) k2;
                    data[p + 12] ^= (byte) (k3 >>> 24);
                    data[p + 13] ^= (byte) (k3 >>> 16);
                    data[p + 14] ^= (byte) (k3 >>> 8);
                    data[p + 15] ^= (byte) k3;
                    p += 16;
                } else {
                    int[] stream = {k0, k1, k2, k3};
                    for (int i = 0; p < end; i++, p++) {
                        data[p] ^= (byte) (stream[i >> 2] >>> (24 - 8 * (i & 3)));
                    }
                }
            }
        }
    }

    /** The JDK's {@code AES/CTR/NoPadding}: the processor's AES instructions where a server JIT has them. */
    static final class Jdk extends AesCounterMode {

        private final Cipher cipher;
        private final SecretKeySpec key;

        Jdk(byte[] key) {
            try {
                this.cipher = Cipher.getInstance("AES/CTR/NoPadding");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-CTR is not available in this JVM", e);
            }
            this.key = new SecretKeySpec(key, "AES");
        }

        @Override
        void apply(byte[] iv, byte[] data, int offset, int length) {
            try {
                cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
                cipher.doFinal(data, offset, length, data, offset);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-CTR failed", e);
            }
        }
    }

    /**
     * NSS's {@code AES/CTR/NoPadding} (see {@link carsight.streamer.srtp.Nss}): the key made an NSS key object once, a
     * packet one initialisation and one call.
     */
    static final class Nss extends AesCounterMode {

        private final Cipher cipher;
        private final SecretKey key;

        Nss(byte[] key, Provider nss) throws GeneralSecurityException {
            if (key.length != 16) {
                throw new IllegalArgumentException("AES-128 needs a 16-byte key, not " + key.length);
            }
            this.cipher = Cipher.getInstance("AES/CTR/NoPadding", nss);
            this.key = SecretKeyFactory.getInstance("AES", nss).translateKey(new SecretKeySpec(key, "AES"));
        }

        @Override
        void apply(byte[] iv, byte[] data, int offset, int length) {
            if (length == 0) {
                return;
            }
            try {
                cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
                cipher.doFinal(data, offset, length, data, offset);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-CTR in NSS failed", e);
            }
        }
    }
}
