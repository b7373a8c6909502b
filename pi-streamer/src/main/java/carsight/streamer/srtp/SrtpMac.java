package carsight.streamer.srtp;

/**
 * HMAC-SHA1 for one key, used as SRTP's packet authentication: a tag is {@link #reset}, {@link #update}s and
 * {@link #finish}. Implementations are not thread-safe.
 */
interface SrtpMac {

    /** Starts a new tag. */
    void reset();

    void update(byte[] data, int offset, int length);

    /** Four more bytes of message: {@code value} big-endian. */
    default void updateInt(int value) {
        update(new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value}, 0, 4);
    }

    /** Ends the tag and writes its first {@code length} bytes (at most 20) to {@code out}; then starts a new one. */
    void finish(byte[] out, int offset, int length);

    /** The whole 20-byte tag, in a new array. */
    default byte[] finish() {
        byte[] tag = new byte[20];
        finish(tag, 0, tag.length);
        return tag;
    }
}
