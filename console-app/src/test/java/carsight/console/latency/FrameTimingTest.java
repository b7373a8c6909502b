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

    @Test
    void aFrameHandedOverAmidDeliveriesNoPollSawIsNotGivenANewerFramesCaptureTime() {
        FrameTiming timing = new FrameTiming(clock());
        long t = 10_000_000;
        // RTP timestamps follow capture times, which jitter by a few ms (a step of 2700..3300 at 30 fps)
        long[] rtp = new long[30];
        for (int i = 0; i < rtp.length; i++) {
            rtp[i] = 1000 + i * 3000 + (i % 3 == 1 ? 300 : i % 3 == 2 ? -300 : 0);
            long capture = t + i * 33_333;
            timing.onReport(rtp[i], capture + 5_000, capture + 5_000 + 2_000); // streamer clock
        }
        // frames 0..19 delivered in real time, polled each
        for (int i = 0; i < 20; i++) {
            long delivered = t + i * 33_333 + 40_000;
            timing.onArrival(rtp[i], delivered, delivered + 1_000);
            timing.onShown(delivered + 300, delivered + 4_000);
        }
        // an outage, then frames 20..27 delivered within 8 ms: the poll saw only frame 27; the one shown is frame 24
        long burst = t + 27 * 33_333 + 400_000;
        timing.onArrival(rtp[27], burst + 8_000, burst + 9_000);
        timing.onShown(burst + 5_000, burst + 9_000);
        timing.onArrival(rtp[27], burst + 8_000, burst + 40_000);
        int measured = 0;
        Optional<FrameLatency> f;
        while ((f = timing.next()).isPresent()) {
            assertThat(f.get().rtpTimestamp()).as("only the frames delivered in time are measured").isLessThanOrEqualTo(rtp[19]);
            measured++;
        }
        assertThat(measured).as("every frame delivered in real time, jitter and all").isEqualTo(20);
        // back to real time: frame 28 one frame after 27, measured again
        long next = burst + 8_000 + 33_333;
        timing.onArrival(rtp[28], next, next + 1_000);
        timing.onShown(next + 300, next + 4_000);
        timing.onArrival(rtp[28], next, next + 30_000);
        assertThat(timing.next()).map(FrameLatency::rtpTimestamp).contains(rtp[28]);
    }
}
