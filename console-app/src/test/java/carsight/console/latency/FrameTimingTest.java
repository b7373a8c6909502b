package carsight.console.latency;

import carsight.protocol.clock.ClockOffset;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class FrameTimingTest {

    /** Streamer clock 5 ms ahead of ours; frames every 33 ms. */
    static ClockOffset clock() {
        ClockOffset c = new ClockOffset();
        c.add(1_000, 1_000 + 500 + 5_000, 1_000 + 600 + 5_000, 2_100);
        return c;
    }

    @Test
    void framesAreMatchedToTheRtpTimestampDeliveredWithThem() {
        FrameTiming timing = new FrameTiming(clock());
        timing.onReceiverDelays(3, 4);
        long t = 10_000_000;
        for (int i = 0; i < 3; i++) {
            long capture = t + i * 33_000;
            timing.onReport(1000 + i * 3000, capture + 5_000, capture + 5_000 + 20_000); // streamer clock
        }
        // frame 1 delivered 40 ms after capture, polled a little late
        timing.onArrival(4000, t + 33_000 + 40_000, t + 33_000 + 41_000);
        timing.onShown(t + 33_000 + 40_500, t + 33_000 + 45_000);
        assertThat(timing.next()).as("not yet: polls must pass the hand-over").isEmpty();
        timing.onArrival(4000, t + 33_000 + 40_000, t + 33_000 + 60_000);
        Optional<FrameLatency> f = timing.next();
        assertThat(f).isPresent();
        assertThat(f.get().rtpTimestamp()).isEqualTo(4000);
        assertThat(f.get().totalMillis()).isEqualTo(45.0);
        assertThat(f.get().cameraToSentMillis()).isEqualTo(20.0);
        assertThat(f.get().receiverMillis()).isEqualTo(7.0);
        assertThat(f.get().networkMillis()).isEqualTo(40.5 - 20 - 7);
        assertThat(f.get().screenMillis()).isEqualTo(4.5);
    }

    @Test
    void aFrameWithNoDeliveryNearItIsNotGuessed() {
        FrameTiming timing = new FrameTiming(clock());
        timing.onReport(1000, 5_000, 6_000);
        timing.onArrival(1000, 100_000, 300_000);
        timing.onShown(150_000, 151_000); // 50 ms from any delivery
        assertThat(timing.next()).isEmpty();
    }
}
