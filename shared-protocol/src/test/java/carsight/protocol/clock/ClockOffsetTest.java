package carsight.protocol.clock;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClockOffsetTest {

    /** One exchange where the streamer's clock is {@code offset} ahead and the two legs take {@code up}/{@code down} µs. */
    static void exchange(ClockOffset clock, long t0, long offset, long up, long down) {
        long t1 = t0 + up + offset;
        long t2 = t1 + 100;
        long t3 = t2 - offset + down;
        clock.add(t0, t1, t2, t3);
    }

    @Test
    void symmetricPathsGiveTheExactOffset() {
        ClockOffset clock = new ClockOffset();
        exchange(clock, 1_000_000, 250_000, 2_000, 2_000);
        ClockOffset.Estimate e = clock.estimate().orElseThrow();
        assertThat(e.offsetMicros()).isEqualTo(250_000);
        assertThat(e.uncertaintyMicros()).isEqualTo(2_000);
        assertThat(e.toLocal(1_250_000)).isEqualTo(1_000_000);
    }

    @Test
    void theLowestRoundTripWinsOverQueueingOutliers() {
        ClockOffset clock = new ClockOffset(8);
        exchange(clock, 0, -40_000, 30_000, 1_000);  // a queued uplink: offset off by ~14.5 ms
        exchange(clock, 10_000, -40_000, 1_500, 1_100); // quick and nearly symmetric
        exchange(clock, 20_000, -40_000, 1_000, 60_000); // a queued downlink
        ClockOffset.Estimate e = clock.estimate().orElseThrow();
        assertThat(e.rttMicros()).isEqualTo(2_600);
        assertThat(e.offsetMicros()).isBetween(-40_000L - e.uncertaintyMicros(), -40_000L + e.uncertaintyMicros());
        assertThat(e.samples()).isEqualTo(3);
    }

    @Test
    void oldSamplesLeaveTheWindowAndImpossibleOnesAreIgnored() {
        ClockOffset clock = new ClockOffset(2);
        exchange(clock, 0, 0, 100, 100);
        exchange(clock, 1, 5_000, 900, 900);
        exchange(clock, 2, 5_000, 800, 800);
        assertThat(clock.estimate().orElseThrow().offsetMicros()).isEqualTo(5_000);
        clock.add(10, 20, 30, 5); // received before it was sent
        assertThat(clock.estimate().orElseThrow().samples()).isEqualTo(2);
        clock.reset();
        assertThat(clock.estimate()).isEmpty();
    }
}
