package carsight.protocol.speed;

import java.util.Locale;

/** The units an operator may type a speed in. */
public enum SpeedUnit {
    KMH("km/h", 1 / 3.6),
    MPH("mph", 0.44704),
    MPS("m/s", 1.0);

    private final String symbol;
    private final double metresPerSecond;

    SpeedUnit(String symbol, double metresPerSecond) {
        this.symbol = symbol;
        this.metresPerSecond = metresPerSecond;
    }

    public String symbol() {
        return symbol;
    }

    public double toMetresPerSecond(double value) {
        return value * metresPerSecond;
    }

    public double fromMetresPerSecond(double mps) {
        return mps / metresPerSecond;
    }

    /** Accepts km/h, kmh, kph, mph, m/s, mps (any case); null when unknown. */
    public static SpeedUnit parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "km/h", "kmh", "kph", "km/hr" -> KMH;
            case "mph", "mi/h" -> MPH;
            case "m/s", "mps" -> MPS;
            default -> null;
        };
    }
}
