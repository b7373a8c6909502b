package carsight.streamer.srtp;

import java.security.DigestException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Provider;

/**
 * HMAC-SHA1 (RFC 2104) over NSS's SHA-1 (see {@link Nss}): the key's inner and outer pad blocks are made once, and a
 * tag is the inner hash of pad and message, then the outer hash of pad and inner hash — two digests, a handful of
 * calls into NSS per packet. Not thread-safe.
 */
final class NssHmacSha1 implements SrtpMac {

    private static final int BLOCK = 64;
    private static final int LENGTH = 20;

    private final MessageDigest sha1;
    private final byte[] innerPad = new byte[BLOCK];
    private final byte[] outerPad = new byte[BLOCK];
    private final byte[] hash = new byte[LENGTH];
    /** Whether the digest holds only the inner pad, as after {@link #reset}. */
    private boolean fresh;

    NssHmacSha1(byte[] key, Provider nss) throws GeneralSecurityException {
        this.sha1 = MessageDigest.getInstance("SHA-1", nss);
        byte[] k = key.length > BLOCK ? sha1.digest(key) : key;
        for (int i = 0; i < BLOCK; i++) {
            byte b = i < k.length ? k[i] : 0;
            innerPad[i] = (byte) (b ^ 0x36);
            outerPad[i] = (byte) (b ^ 0x5c);
        }
        reset();
    }

    @Override
    public void reset() {
        if (!fresh) {
            sha1.reset();
            sha1.update(innerPad, 0, BLOCK);
            fresh = true;
        }
    }

    @Override
    public void update(byte[] data, int offset, int length) {
        fresh = false;
        sha1.update(data, offset, length);
    }

    @Override
    public void finish(byte[] out, int offset, int length) {
        try {
            fresh = false;
            sha1.digest(hash, 0, LENGTH);
            sha1.update(outerPad, 0, BLOCK);
            sha1.update(hash, 0, LENGTH);
            sha1.digest(hash, 0, LENGTH);
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-1 in NSS failed", e);
        }
        System.arraycopy(hash, 0, out, offset, Math.min(length, LENGTH));
        sha1.update(innerPad, 0, BLOCK);
        fresh = true;
    }
}
