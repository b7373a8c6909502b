package carsight.protocol.timecode;

import java.util.Optional;

/**
 * Where the {@link TimecodeWord} lives in a picture, and how to paint and read it.
 *
 * <p>64 square cells in one row across the top, cell side {@code floor(width / 64)} px, from x=0, y=0; cell i shows
 * bit i (most significant first) as luma 235 (one) or 16 (zero). A reader samples each cell's centre and
 * thresholds at 128, which survives H.264 compression at the sizes we stream.
 */
public final class FrameTimecode {

    public static final int CELLS = 64;
    public static final int LUMA_ONE = 235;
    public static final int LUMA_ZERO = 16;
    public static final int THRESHOLD = 128;

    private FrameTimecode() {
    }

    /** Side of one cell in pixels for a frame {@code width} wide. */
    public static int cellSize(int width) {
        int side = width / CELLS;
        if (side < 1) {
            throw new IllegalArgumentException("a frame " + width + " px wide is too narrow for a 64-cell timecode");
        }
        return side;
    }

    /** Paints {@code word} into an 8-bit luma plane (e.g. the Y plane of I420) with the given row stride. */
    public static void paintLuma(byte[] plane, int stride, int width, long word) {
        int side = cellSize(width);
        for (int cell = 0; cell < CELLS; cell++) {
            byte value = (byte) (bit(word, cell) ? LUMA_ONE : LUMA_ZERO);
            int x0 = cell * side;
            for (int y = 0; y < side; y++) {
                int row = y * stride + x0;
                for (int x = 0; x < side; x++) {
                    plane[row + x] = value;
                }
            }
        }
    }

    /**
     * Paints {@code word} into packed 0xAARRGGBB pixels as white or black, which a limited-range BT.601 encoder
     * turns into luma 235 and 16.
     */
    public static void paintArgb(int[] pixels, int stride, int width, long word) {
        int side = cellSize(width);
        for (int cell = 0; cell < CELLS; cell++) {
            int value = bit(word, cell) ? 0xFFFFFFFF : 0xFF000000;
            int x0 = cell * side;
            for (int y = 0; y < side; y++) {
                int row = y * stride + x0;
                for (int x = 0; x < side; x++) {
                    pixels[row + x] = value;
                }
            }
        }
    }

    /** Reads the word by sampling each cell's centre; empty when sync or CRC fail. */
    public static Optional<TimecodeWord.Timecode> read(LumaSource source, int width) {
        return TimecodeWord.unpack(readWord(source, width));
    }

    /** The raw 64 bits as sampled, without checking them. */
    public static long readWord(LumaSource source, int width) {
        int side = cellSize(width);
        int centre = side / 2;
        long word = 0;
        for (int cell = 0; cell < CELLS; cell++) {
            word <<= 1;
            if (source.lumaAt(cell * side + centre, centre) >= THRESHOLD) {
                word |= 1;
            }
        }
        return word;
    }

    private static boolean bit(long word, int cell) {
        return ((word >>> (63 - cell)) & 1L) != 0;
    }

    /** Luma (0..255) of the pixel at x, y of a decoded picture. */
    @FunctionalInterface
    public interface LumaSource {
        int lumaAt(int x, int y);

        /** A source over an 8-bit luma plane. */
        static LumaSource ofPlane(byte[] plane, int stride) {
            return (x, y) -> plane[y * stride + x] & 0xFF;
        }

        /** A source over full-range packed 0xAARRGGBB pixels (e.g. a browser canvas or a JavaFX image). */
        static LumaSource ofArgb(int[] pixels, int stride) {
            return (x, y) -> {
                int p = pixels[y * stride + x];
                int r = (p >> 16) & 0xFF;
                int g = (p >> 8) & 0xFF;
                int b = p & 0xFF;
                return (299 * r + 587 * g + 114 * b) / 1000;
            };
        }
    }
}
