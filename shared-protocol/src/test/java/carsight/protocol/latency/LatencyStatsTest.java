package carsight.protocol.latency;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LatencyStatsTest {

    @Test
    void nearestRankPercentiles() {
        LatencyStats stats = new LatencyStats(60_000, 10_000);
        for (int i = 1; i <= 100; i++) {
            stats.add(i, i);
        }
        LatencySummary s = stats.overall().orElseThrow();
        assertThat(s.p50()).isEqualTo(50);
        assertThat(s.p95()).isEqualTo(95);
        assertThat(s.max()).isEqualTo(100);
        assertThat(s.count()).isEqualTo(100);
    }

    @Test
    void theWindowForgetsOldSamplesButTheRecordKeepsThem() {
        LatencyStats stats = new LatencyStats(1_000, 10_000);
        stats.add(0, 500);
        stats.add(1_500, 40);
        stats.add(1_600, 60);
        assertThat(stats.recent(1_700).orElseThrow().max()).isEqualTo(60);
        assertThat(stats.overall().orElseThrow().max()).isEqualTo(500);
        assertThat(stats.series(1_700)).hasDimensions(2, 2);
        assertThat(stats.recent(5_000)).isEmpty();
    }
}
