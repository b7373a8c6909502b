package carsight.protocol.speed;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A vehicle speed, kept in metres per second. Typed by the operator as {@code 50}, {@code 50 km/h}, {@code 31mph},
 * {@code 13.9 m/s} (a decimal comma is accepted too); without a unit the caller's default unit applies (km/h).
 */
public record Speed(double metresPerSecond) {

    /** Faster than any car the product is for: a typing or unit mistake. */
    public static final double MAX_KMH = 400;

    private static final Pattern FORMAT = Pattern.compile("\\s*([-+]?[0-9]+(?:[.,][0-9]+)?)\\s*([a-zA-Z/]*)\\s*");

    public Speed {
        if (!Double.isFinite(metresPerSecond) || metresPerSecond < 0) {
            throw new IllegalArgumentException("speed must be a finite, non-negative number of m/s");
        }
    }

    public static Speed of(double value, SpeedUnit unit) {
        return new Speed(unit.toMetresPerSecond(value));
    }

    public static Speed parse(String text) throws SpeedFormatException {
        return parse(text, SpeedUnit.KMH);
    }

    public static Speed parse(String text, SpeedUnit defaultUnit) throws SpeedFormatException {
        if (text == null || text.isBlank()) {
            throw new SpeedFormatException("type a speed, e.g. 50 km/h");
        }
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            throw new SpeedFormatException("speed must be a number, e.g. 50 km/h");
        }
        double value = Double.parseDouble(m.group(1).replace(',', '.'));
        SpeedUnit unit = m.group(2).isEmpty() ? defaultUnit : SpeedUnit.parse(m.group(2));
        if (unit == null) {
            throw new SpeedFormatException("unknown unit '" + m.group(2) + "': use km/h, mph or m/s");
        }
        if (value < 0) {
            throw new SpeedFormatException("speed cannot be negative");
        }
        Speed speed = of(value, unit);
        if (speed.in(SpeedUnit.KMH) > MAX_KMH + 1e-9) {
            throw new SpeedFormatException("above " + (int) MAX_KMH + " km/h — check the unit");
        }
        return speed;
    }

    /** The unit {@code text} names (as {@link #parse} reads it), or {@code defaultUnit} when it names none. */
    public static SpeedUnit unitOf(String text, SpeedUnit defaultUnit) {
        Matcher m = text == null ? null : FORMAT.matcher(text);
        if (m == null || !m.matches() || m.group(2).isEmpty()) {
            return defaultUnit;
        }
        SpeedUnit unit = SpeedUnit.parse(m.group(2));
        return unit == null ? defaultUnit : unit;
    }

    public double in(SpeedUnit unit) {
        return unit.fromMetresPerSecond(metresPerSecond);
    }

    /** e.g. "50 km/h" (one decimal when needed). */
    public String format(SpeedUnit unit) {
        double v = in(unit);
        String number = Math.abs(v - Math.rint(v)) < 0.05 ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.1f", v);
        return number + " " + unit.symbol();
    }
}
