package carsight.streamer.camera;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One frame's record from {@code rpicam-vid --metadata FILE --metadata-format txt}: libcamera's request metadata as
 * {@code Name=value} lines, one record per encoded frame, ended by an empty line. rpicam-vid writes the record for
 * frame N right after frame N's bytes (rpicam-apps {@code output/output.cpp}, {@code Output::OutputReady}), so its
 * arrival says the frame is complete; the order of the keys is not fixed.
 *
 * @param values every key of the record with its text value
 */
public record FrameMetadata(Map<String, String> values) {

    public FrameMetadata {
        values = Map.copyOf(values);
    }

    /**
     * {@code SensorTimestamp}, ns. On a Raspberry Pi's camera receiver this is the kernel's CLOCK_MONOTONIC (the clock
     * of {@link System#nanoTime()}) when the sensor started sending the frame — the start of readout, which comes one
     * exposure after the first row started collecting light.
     */
    public OptionalLong sensorTimestampNanos() {
        return number("SensorTimestamp");
    }

    /** {@code ExposureTime}, µs. */
    public OptionalLong exposureMicros() {
        return number("ExposureTime");
    }

    private OptionalLong number(String key) {
        String v = values.get(key);
        if (v == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(v.strip()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Text lines in, records out; sans-I/O. A record ends at an empty line. Not thread-safe. */
    public static final class Parser {

        /** Lines kept per record at most: a stream that is not metadata must not grow memory without bound. */
        static final int MAX_KEYS = 256;
        private final Map<String, String> current = new HashMap<>();

        /** One line without its line end; returns the record it completed, or null. */
        public FrameMetadata line(String line) {
            if (line.isEmpty()) {
                if (current.isEmpty()) {
                    return null;
                }
                FrameMetadata record = new FrameMetadata(current);
                current.clear();
                return record;
            }
            int eq = line.indexOf('=');
            if (eq > 0 && current.size() < MAX_KEYS) {
                current.put(line.substring(0, eq), line.substring(eq + 1));
            }
            return null;
        }

        /** Drops a half-read record (its writer was restarted). */
        public void reset() {
            current.clear();
        }
    }
}
