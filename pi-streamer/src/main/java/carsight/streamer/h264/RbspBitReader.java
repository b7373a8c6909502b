package carsight.streamer.h264;

/**
 * Reads bits and Exp-Golomb codes from a NAL unit's payload, skipping emulation-prevention bytes
 * ({@code 00 00 03} → {@code 00 00}) as H.264 §7.4.1 requires.
 */
final class RbspBitReader {

    private final byte[] rbsp;
    private final int length;
    private int bitPosition;

    /** Reads from {@code nal} starting after its one-byte header. */
    RbspBitReader(byte[] nal) {
        byte[] out = new byte[nal.length];
        int n = 0;
        int zeros = 0;
        for (int i = 1; i < nal.length; i++) {
            int b = nal[i] & 0xFF;
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            zeros = b == 0 ? zeros + 1 : 0;
            out[n++] = (byte) b;
        }
        this.rbsp = out;
        this.length = n;
    }

    int bit() {
        if (bitPosition >= length * 8) {
            throw new IllegalArgumentException("H.264 parameter set ends early (read past " + length + " bytes)");
        }
        int value = (rbsp[bitPosition >> 3] >> (7 - (bitPosition & 7))) & 1;
        bitPosition++;
        return value;
    }

    boolean flag() {
        return bit() == 1;
    }

    int bits(int count) {
        int value = 0;
        for (int i = 0; i < count; i++) {
            value = (value << 1) | bit();
        }
        return value;
    }

    long bitsLong(int count) {
        long value = 0;
        for (int i = 0; i < count; i++) {
            value = (value << 1) | bit();
        }
        return value;
    }

    /** ue(v). */
    int ue() {
        int leadingZeros = 0;
        while (bit() == 0) {
            leadingZeros++;
            if (leadingZeros > 31) {
                throw new IllegalArgumentException("H.264 parameter set: Exp-Golomb code longer than 32 bits");
            }
        }
        return (int) ((1L << leadingZeros) - 1 + bitsLong(leadingZeros));
    }

    /** se(v). */
    int se() {
        int k = ue();
        return (k & 1) == 1 ? (k + 1) / 2 : -(k / 2);
    }
}
