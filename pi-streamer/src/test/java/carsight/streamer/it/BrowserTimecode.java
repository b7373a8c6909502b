package carsight.streamer.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The JavaScript both browser probes use to read the frame timecode from the picture ({@code timecode-reader.js}). */
final class BrowserTimecode {

    /** Defines {@code carsightTimecode(video, meta)}: capture → display in ms for a presented frame, or null. */
    static final String READER = load();

    private BrowserTimecode() {
    }

    private static String load() {
        try (InputStream in = BrowserTimecode.class.getResourceAsStream("timecode-reader.js")) {
            if (in == null) {
                throw new IllegalStateException("timecode-reader.js is missing from the test resources");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
