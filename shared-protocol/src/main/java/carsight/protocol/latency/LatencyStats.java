package carsight.protocol.latency;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Optional;

/**
 * Latency samples over time: a rolling window (e.g. the last 60 s, for the chart and the meter's p50/p95) and a
 * bounded record of everything (for reports). Percentiles are nearest-rank: p50 of 1..10 is 5. Thread-safe.
 */
public final class LatencyStats {

    private record Sample(long atMillis, double valueMillis) {
    }

    private final long windowMillis;
    private final int maxSamples;
    private final Deque<Sample> window = new ArrayDeque<>();
    private double[] all = new double[1024];
    private int allCount;

    public LatencyStats(long windowMillis, int maxSamples) {
        this.windowMillis = windowMillis;
        this.maxSamples = maxSamples;
    }

    public synchronized void add(long atMillis, double valueMillis) {
        if (!Double.isFinite(valueMillis)) {
            return;
        }
        window.addLast(new Sample(atMillis, valueMillis));
        trim(atMillis);
        if (allCount < maxSamples) {
            if (allCount == all.length) {
                all = Arrays.copyOf(all, Math.min(maxSamples, all.length * 2));
            }
            all[allCount++] = valueMillis;
        }
    }

    /** Percentiles of the samples within the window ending at {@code nowMillis}. */
    public synchronized Optional<LatencySummary> recent(long nowMillis) {
        trim(nowMillis);
        double[] values = window.stream().mapToDouble(Sample::valueMillis).toArray();
        return summarize(values, values.length);
    }

    /** Percentiles of every sample recorded (up to the bound). */
    public synchronized Optional<LatencySummary> overall() {
        return summarize(Arrays.copyOf(all, allCount), allCount);
    }

    /** The window's samples as (time, value) pairs, oldest first. */
    public synchronized double[][] series(long nowMillis) {
        trim(nowMillis);
        return window.stream().map(s -> new double[]{s.atMillis(), s.valueMillis()}).toArray(double[][]::new);
    }

    private void trim(long nowMillis) {
        while (!window.isEmpty() && window.peekFirst().atMillis() < nowMillis - windowMillis) {
            window.removeFirst();
        }
    }

    static Optional<LatencySummary> summarize(double[] values, int count) {
        if (count == 0) {
            return Optional.empty();
        }
        double[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        return Optional.of(new LatencySummary(rank(sorted, 0.50), rank(sorted, 0.95), sorted[count - 1], count));
    }

    /** Nearest-rank percentile: the smallest value with at least q of the samples at or below it. */
    static double rank(double[] sorted, double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
