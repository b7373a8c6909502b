package carsight.console.video;

import java.nio.ByteBuffer;

/**
 * A decoded picture on its way to the screen. The renderer converts it once, then reports either that it was drawn
 * ({@link #shown}) or that it will not be ({@link #discard}); either releases it, exactly once.
 */
public interface Picture {

    int width();

    int height();

    /** Writes the picture into {@code bgra}: width × height pixels, 4 bytes each (B, G, R, A, opaque). */
    void writeBgra(ByteBuffer bgra);

    /** It reached the screen at {@code screenMicros} (µs since the epoch). */
    void shown(long screenMicros);

    /** It will not be drawn. */
    void discard();

    /** Where the renderer takes the newest decoded picture from (the link to the streamer). */
    interface Source {
        /** The newest picture not yet taken, or null; older ones were released by the source itself. */
        Picture takeNewest();
    }
}
