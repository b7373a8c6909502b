package carsight.protocol.speed;

import java.util.Locale;

/**
 * How far the car travels while the picture is in flight: latency × speed. At 50 km/h, 100 ms is 1.39 m and 500 ms
 * is 6.94 m.
 */
public record BlindDistance(double latencyMillis, Speed speed) {

    public BlindDistance {
        if (!Double.isFinite(latencyMillis) || latencyMillis < 0) {
            throw new IllegalArgumentException("latency must be a finite, non-negative number of ms");
        }
    }

    public double metres() {
        return latencyMillis / 1000.0 * speed.metresPerSecond();
    }

    /** The overlay's wording, e.g. {@code 112 ms × 13.9 m/s = 1.56 m}. */
    public String describe() {
        return String.format(Locale.ROOT, "%d ms × %.1f m/s = %.2f m", Math.round(latencyMillis),
                speed.metresPerSecond(), metres());
    }

    /** Which colour the overlay takes. */
    public DistanceLevel level(DistanceLevel.Thresholds thresholds) {
        return thresholds.classify(metres());
    }
}
