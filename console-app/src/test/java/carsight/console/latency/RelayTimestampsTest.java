package carsight.console.latency;

import org.junit.jupiter.api.Test;

import java.util.OptionalLong;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class RelayTimestampsTest {

    static final long FRAME = 33_333;
    static final long CAR_BASE = 0xFFFF_0000L; // wraps past 2^32 during the run
    static final long RELAY_BASE = 12_345;

    /**
     * Frames at 30 fps: the message of frame i arrives at send + 2 ms, the frame is delivered {@code minLag} to
     * {@code minLag + spread} µs after that. Returns the frame at which the difference was known; every mapping given
     * must be the car's own timestamp.
     */
    static int run(long minLag, int spread, int frames) {
        RelayTimestamps relay = new RelayTimestamps();
        Random random = new Random(7);
        int learntAt = -1;
        // messages arrive in order; a frame is looked up when delivered, later messages may already be in
        long[] delivered = new long[frames];
        long[] car = new long[frames];
        for (int i = 0; i < frames; i++) {
            delivered[i] = 1_000_000 + i * FRAME + 2_000 + minLag + random.nextInt(spread);
            // 90 kHz timestamps from a camera's capture clock: a frame interval, give or take a tick or two
            car[i] = CAR_BASE + i * 3000L + random.nextInt(5) - 2;
        }
        int next = 0;
        for (int i = 0; i < frames; i++) {
            while (next < frames && 1_000_000 + next * FRAME + 2_000 <= delivered[i]) {
                relay.onFrameMessage(car[next] & 0xFFFFFFFFL, 1_000_000 + next * FRAME + 2_000);
                next++;
            }
            // the relay keeps the steps between timestamps and changes their base
            long relayed = (car[i] - CAR_BASE + RELAY_BASE) & 0xFFFFFFFFL;
            OptionalLong mapped = relay.toCar(relayed, delivered[i], delivered[i]);
            if (mapped.isPresent()) {
                learntAt = learntAt < 0 ? i : learntAt;
                assertThat(mapped.getAsLong()).as("frame %d", i).isEqualTo(car[i] & 0xFFFFFFFFL);
            }
        }
        return learntAt;
    }

    @Test
    void learnsTheRelaysDifferenceFromWhenFramesAndTheirMessagesArrive() {
        assertThat(run(1_000, 22_000, 200)).as("frame at which it was known").isBetween(RelayTimestamps.FRAMES - 1, 20);
    }

    @Test
    void framesDeliveredMoreThanAFrameIntervalAfterTheirMessagesAreStillPairedWithTheirOwn() {
        // a jitter buffer or a loaded machine: 40–60 ms from message to delivery at 30 fps, so the next frame's
        // message has always arrived before a frame is delivered
        assertThat(run(40_000, 20_000, 200)).isBetween(RelayTimestamps.FRAMES - 1, 20);
    }

    @Test
    void aFrameDeliveredJustBeforeItsMessageStillPairsAndRepeatedPollsOfOneFrameCountOnce() {
        RelayTimestamps relay = new RelayTimestamps();
        for (int i = 0; i < RelayTimestamps.FRAMES + 2; i++) {
            for (int poll = 0; poll < 10; poll++) { // delivered 3 ms before its message comes in, polled every 0.5 ms
                relay.toCar(500 + i * 3000L, i * FRAME + 1_000, i * FRAME + 1_000 + poll * 500);
            }
            relay.onFrameMessage(i * 3000L, i * FRAME + 4_000);
        }
        int i = RelayTimestamps.FRAMES + 2;
        assertThat(relay.toCar(500 + i * 3000L, i * FRAME + 1_000, i * FRAME + 1_000)).hasValue(i * 3000L);
    }

    @Test
    void anotherDifferenceAfterTheRelaysTimestampsJumpIsLearntAgain() {
        RelayTimestamps relay = new RelayTimestamps();
        long t = 0;
        for (int i = 0; i < 20; i++, t += FRAME) {
            relay.onFrameMessage(i * 3000L, t);
            relay.toCar(100 + i * 3000L, t + 5_000, t + 5_000);
        }
        assertThat(relay.known()).isTrue();
        boolean relearnt = false;
        for (int i = 20; i < 120; i++, t += FRAME) {
            relay.onFrameMessage(i * 3000L, t);
            OptionalLong mapped = relay.toCar(900_000 + i * 3000L, t + 5_000, t + 5_000);
            if (i > 60 && mapped.isPresent()) {
                assertThat(mapped.getAsLong()).isEqualTo(i * 3000L);
                relearnt = true;
            }
        }
        assertThat(relearnt).isTrue();
    }

    @Test
    void withoutMessagesNothingIsGuessed() {
        RelayTimestamps relay = new RelayTimestamps();
        for (int i = 0; i < 50; i++) {
            assertThat(relay.toCar(i * 3000L, i * FRAME, i * FRAME + 10_000)).isEmpty();
        }
    }
}
