package carsight.protocol.latency;

import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * How old the picture on screen is <em>now</em>: the time since the newest shown picture was captured, which grows
 * by itself while no new picture comes (a frozen picture shows where the car was, not where it is). A per-frame
 * latency says how late each frame was when it arrived; between frames, and above all while none arrive, only this
 * says how stale the screen is.
 *
 * <p>Times in, figures out, no clock read inside (µs on one clock). A picture's capture time may become known after it
 * was shown (the console matches it a few ms later): until then the previous picture's capture time stands, so the
 * age is never younger than the picture under it. Over time the age is sampled on a fixed 10 ms grid of the same
 * clock, so the summary is a share of <em>time</em> (Salsify's "video delay"), not of frames. Not thread-safe.
 */
public final class PictureAge {

    /** Age over time is sampled every 10 ms. */
    public static final long GRID_MICROS = 10_000;
    private static final int MAX_SAMPLES = 1 << 21; // about 5.8 hours of samples

    private long shownMicros = Long.MIN_VALUE;
    private long knownShownMicros = Long.MIN_VALUE;
    private long knownCaptureMicros = Long.MIN_VALUE;
    private long nextSampleMicros = Long.MIN_VALUE;
    private long longestGapMicros;
    private float[] samples = new float[4096];
    private int count;

    /** A new picture reached the screen at {@code screenMicros}. */
    public void shown(long screenMicros) {
        if (shownMicros != Long.MIN_VALUE) {
            longestGapMicros = Math.max(longestGapMicros, screenMicros - shownMicros);
        }
        shownMicros = Math.max(shownMicros, screenMicros);
    }

    /**
     * The capture time of the picture shown at {@code screenMicros} (on the same clock). Taken when that picture is
     * the newest whose capture time is known; an older picture's late answer changes nothing.
     */
    public void captured(long screenMicros, long captureMicros) {
        if (screenMicros >= knownShownMicros) {
            knownShownMicros = screenMicros;
            knownCaptureMicros = captureMicros;
            if (nextSampleMicros == Long.MIN_VALUE) {
                nextSampleMicros = screenMicros;
            }
        }
    }

    /** A picture shown and its capture time at once (the timecode read from the picture itself). */
    public void shownWithCapture(long screenMicros, long captureMicros) {
        shown(screenMicros);
        captured(screenMicros, captureMicros);
    }

    /** Now − capture time of the picture on screen, in ms; empty before any capture time is known. */
    public OptionalDouble ageMillis(long nowMicros) {
        return knownCaptureMicros == Long.MIN_VALUE ? OptionalDouble.empty()
                : OptionalDouble.of((nowMicros - knownCaptureMicros) / 1000.0);
    }

    /** How long the screen has shown no new picture, in ms; empty before the first. */
    public OptionalDouble sinceNewPictureMillis(long nowMicros) {
        return shownMicros == Long.MIN_VALUE ? OptionalDouble.empty()
                : OptionalDouble.of(Math.max(0, nowMicros - shownMicros) / 1000.0);
    }

    /**
     * Records the age at every grid point up to {@code nowMicros} with what is known now. Call it often (every
     * render pulse, or before each event when replaying a record) and once at the end of a run.
     */
    public void advance(long nowMicros) {
        if (knownCaptureMicros == Long.MIN_VALUE) {
            return;
        }
        while (nextSampleMicros <= nowMicros && count < MAX_SAMPLES) {
            if (count == samples.length) {
                samples = Arrays.copyOf(samples, Math.min(MAX_SAMPLES, samples.length * 2));
            }
            samples[count++] = (float) ((nextSampleMicros - knownCaptureMicros) / 1000.0);
            nextSampleMicros += GRID_MICROS;
        }
        if (nowMicros >= shownMicros && shownMicros != Long.MIN_VALUE) {
            longestGapMicros = Math.max(longestGapMicros, nowMicros - shownMicros);
        }
    }

    /** The age over all the time recorded: percentiles and the share of time under 200, 300 and 500 ms. */
    public Optional<Summary> summary() {
        if (count == 0) {
            return Optional.empty();
        }
        double[] sorted = new double[count];
        int[] under = new int[3];
        for (int i = 0; i < count; i++) {
            sorted[i] = samples[i];
            under[0] += samples[i] <= 200 ? 1 : 0;
            under[1] += samples[i] <= 300 ? 1 : 0;
            under[2] += samples[i] <= 500 ? 1 : 0;
        }
        Arrays.sort(sorted);
        return Optional.of(new Summary(LatencyStats.rank(sorted, 0.50), LatencyStats.rank(sorted, 0.95),
                sorted[count - 1], under[0] / (double) count, under[1] / (double) count, under[2] / (double) count,
                count * (GRID_MICROS / 1000.0) / 1000.0, longestGapMicros / 1000.0));
    }

    /**
     * The picture's age over time: p50, p95 and max in ms; the share of the time it was at most 200, 300 and 500 ms
     * old (0..1); how many seconds that covers; and the longest time without a new picture, in ms.
     */
    public record Summary(double p50, double p95, double max, double share200, double share300, double share500,
                          double seconds, double longestGapMs) {
    }
}
