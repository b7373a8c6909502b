package carsight.protocol.latency;

/** Percentiles of a set of latency samples, in milliseconds (nearest-rank). */
public record LatencySummary(double p50, double p95, double max, int count) {
}
