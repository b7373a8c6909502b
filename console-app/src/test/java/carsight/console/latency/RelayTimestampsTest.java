package carsight.console.latency;

import org.junit.jupiter.api.Test;

import java.util.OptionalLong;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class RelayTimestampsTest {

    static final long FRAME = 33_333;
    static final long CAR_BASE = 0xFFFF_0000L; // wraps past 2^32 during the run
    static final long RELAY_BASE = 12_345;

    /** Frame i as the relay delivers it: messages arrive at send + 2 ms, frames at send + 3..25 ms (jittery). */
    @Test
    void learnsTheRelaysDifferenceFromWhenFramesAndTheirMessagesArriveAndKeepsIt() {
        RelayTimestamps relay = new RelayTimestamps();
        Random random = new Random(7);
        int learntAt = -1;
        for (int i = 0; i < 200; i++) {
            long car = (CAR_BASE + i * 3000L) & 0xFFFFFFFFL;
            long relayed = (RELAY_BASE + i * 3000L) & 0xFFFFFFFFL;
            long sent = 1_000_000 + i * FRAME;
            relay.onFrameMessage(car, sent + 2_000);
            OptionalLong mapped = relay.toCar(relayed, sent + 3_000 + random.nextInt(22_000));
            if (mapped.isPresent()) {
                learntAt = learntAt < 0 ? i : learntAt;
                assertThat(mapped.getAsLong()).as("frame %d", i).isEqualTo(car);
            }
        }
        assertThat(learntAt).as("frame at which the difference was known").isBetween(RelayTimestamps.VOTES - 1, 10);
    }

    @Test
    void aFrameSeenBeforeItsMessageStillPairsAndRepeatedPollsOfOneFrameCountOnce() {
        RelayTimestamps relay = new RelayTimestamps();
        for (int i = 0; i < RelayTimestamps.VOTES - 1; i++) {
            relay.onFrameMessage(i * 3000L, i * FRAME + 4_000);
            for (int poll = 0; poll < 10; poll++) {
                assertThat(relay.toCar(500 + i * 3000L, i * FRAME + 1_000)).isEmpty(); // delivered 3 ms early
            }
        }
        relay.onFrameMessage(4 * 3000L, 4 * FRAME + 4_000);
        assertThat(relay.toCar(500 + 4 * 3000L, 4 * FRAME + 1_000)).hasValue(4 * 3000L);
    }

    @Test
    void anotherDifferenceAfterARestartIsLearntAgain() {
        RelayTimestamps relay = new RelayTimestamps();
        long t = 0;
        for (int i = 0; i < 20; i++, t += FRAME) {
            relay.onFrameMessage(i * 3000L, t);
            relay.toCar(100 + i * 3000L, t + 5_000);
        }
        assertThat(relay.known()).isTrue();
        // the relay's timestamps jump (its source changed) while the car's go on: stale until re-learnt
        boolean relearnt = false;
        for (int i = 20; i < 120; i++, t += FRAME) {
            relay.onFrameMessage(i * 3000L, t);
            OptionalLong mapped = relay.toCar(900_000 + i * 3000L, t + 5_000);
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
            assertThat(relay.toCar(i * 3000L, i * FRAME)).isEmpty();
        }
    }
}
