package carsight.streamer.srtp;

/**
 * Session keys derived from a master key and salt with the AES-CM key derivation function (RFC 3711 §4.3, key
 * derivation rate 0): {@code key = AES-CM(master key, IV = (label·2^48 XOR master salt)·2^16)}.
 */
record SessionKeys(byte[] cipherKey, byte[] authKey, byte[] salt) {

    static final int RTP_CIPHER = 0;
    static final int RTP_AUTH = 1;
    static final int RTP_SALT = 2;
    static final int RTCP_CIPHER = 3;
    static final int RTCP_AUTH = 4;
    static final int RTCP_SALT = 5;

    static SessionKeys forRtp(byte[] masterKey, byte[] masterSalt) {
        return new SessionKeys(derive(masterKey, masterSalt, RTP_CIPHER, 16), derive(masterKey, masterSalt, RTP_AUTH, 20),
                derive(masterKey, masterSalt, RTP_SALT, 14));
    }

    static SessionKeys forRtcp(byte[] masterKey, byte[] masterSalt) {
        return new SessionKeys(derive(masterKey, masterSalt, RTCP_CIPHER, 16),
                derive(masterKey, masterSalt, RTCP_AUTH, 20), derive(masterKey, masterSalt, RTCP_SALT, 14));
    }

    static byte[] derive(byte[] masterKey, byte[] masterSalt, int label, int length) {
        if (masterKey.length != 16 || masterSalt.length != 14) {
            throw new IllegalArgumentException("SRTP AES_CM_128 needs a 16-byte master key and 14-byte salt");
        }
        byte[] iv = new byte[16];
        System.arraycopy(masterSalt, 0, iv, 0, 14);
        iv[7] ^= (byte) label; // label sits at bit 48 of the 112-bit salt: byte 7 of 14
        return keystream(masterKey, iv, length);
    }

    /** {@code length} bytes of AES counter-mode keystream from the 128-bit counter block {@code iv}. */
    static byte[] keystream(byte[] key, byte[] iv, int length) {
        byte[] stream = new byte[length];
        new AesCounterMode.Jdk(key).xor(iv, stream, 0, length);
        return stream;
    }
}
