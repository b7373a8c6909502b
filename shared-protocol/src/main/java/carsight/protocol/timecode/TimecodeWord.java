package carsight.protocol.timecode;

import java.util.Optional;

/**
 * The 64-bit word the test pattern carries in its top row: the ground truth for latency.
 *
 * <pre>
 *  63    60 59                                             12 11        4 3       0
 * +--------+-------------------------------------------------+-----------+---------+
 * |1 0 1 0 |  capture time, µs since the Unix epoch mod 2^48 |  CRC-8    | counter |
 * +--------+-------------------------------------------------+-----------+---------+
 *   sync                        48 bits                        8 bits      4 bits
 * </pre>
 *
 * The CRC-8 (polynomial 0x07, initial value 0) covers the six bytes of the time, most significant first.
 * A word whose sync or CRC does not match carries no truth value.
 */
public final class TimecodeWord {

    static final long SYNC = 0b1010L;
    static final long TIME_MASK = (1L << 48) - 1;

    private TimecodeWord() {
    }

    /** The word for a frame captured at {@code captureTimeMicros} with frame counter {@code counter} (taken mod 16). */
    public static long pack(long captureTimeMicros, long counter) {
        long time = captureTimeMicros & TIME_MASK;
        return (SYNC << 60) | (time << 12) | ((long) crc8(time) << 4) | (counter & 0xF);
    }

    /** The time and counter in {@code word}, or empty when its sync pattern or CRC is wrong. */
    public static Optional<Timecode> unpack(long word) {
        if ((word >>> 60) != SYNC) {
            return Optional.empty();
        }
        long time = (word >>> 12) & TIME_MASK;
        int crc = (int) ((word >>> 4) & 0xFF);
        if (crc != crc8(time)) {
            return Optional.empty();
        }
        return Optional.of(new Timecode(time, (int) (word & 0xF)));
    }

    /** CRC-8, polynomial x^8 + x^2 + x + 1 (0x07), init 0, no reflection, over the 6 bytes of a 48-bit value. */
    static int crc8(long value48) {
        int crc = 0;
        for (int shift = 40; shift >= 0; shift -= 8) {
            crc ^= (int) ((value48 >>> shift) & 0xFF);
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x80) != 0 ? ((crc << 1) ^ 0x07) & 0xFF : (crc << 1) & 0xFF;
            }
        }
        return crc;
    }

    /**
     * A decoded word.
     *
     * @param captureTimeMicrosMod48 capture time in µs since the epoch, mod 2^48 (wraps every ~8.9 years)
     * @param counter                frame counter mod 16
     */
    public record Timecode(long captureTimeMicrosMod48, int counter) {

        /** The full capture time nearest to {@code referenceMicros} (e.g. now) that has these low 48 bits. */
        public long captureTimeNear(long referenceMicros) {
            long base = referenceMicros & ~TIME_MASK;
            long candidate = base | captureTimeMicrosMod48;
            long half = 1L << 47;
            if (candidate - referenceMicros > half) {
                candidate -= 1L << 48;
            } else if (referenceMicros - candidate > half) {
                candidate += 1L << 48;
            }
            return candidate;
        }
    }
}
