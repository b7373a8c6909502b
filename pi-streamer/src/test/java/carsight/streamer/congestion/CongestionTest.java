package carsight.streamer.congestion;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The path estimate, the pacer, the latency budget and the camera's bitrate, with the time given by the test. */
class CongestionTest {

    static final long MS = 1_000_000L;
    static final long T0 = 1_000_000 * MS;

    static CameraBitrate.ViewerPath path(long estimate, long sent) {
        return new CameraBitrate.ViewerPath(OptionalLong.of(estimate), sent, 0, false);
    }

    @Test
    void theEstimateIsTheReceiversUntilItFallsSilentAndTheQueueIsTheRttAboveItsLow() {
        PathEstimate p = new PathEstimate();
        assertThat(p.availableBps(T0)).isEmpty();
        assertThat(p.queueMillis()).isZero();

        p.onEstimate(800_000, T0);
        p.onRoundTrip(12, T0);
        p.onRoundTrip(212, T0 + 1_000 * MS);

        assertThat(p.availableBps(T0 + 4_000 * MS)).hasValue(800_000);
        assertThat(p.availableBps(T0 + 6_000 * MS)).as("silent for over 5 s").isEmpty();
        assertThat(p.queueMillis()).isEqualTo(200);
        p.onRoundTrip(230, T0 + 20_000 * MS);
        p.onRoundTrip(250, T0 + 40_000 * MS); // the 12 and 212 ms have left the 30 s window
        assertThat(p.queueMillis()).isEqualTo(20);
    }

    @Test
    void aPathIsClearOnceARoundTripIsKnownAndShowsLittleQueue() {
        PathEstimate p = new PathEstimate();
        assertThat(p.clear()).as("no round trip yet").isFalse();
        p.onRoundTrip(10, T0);
        assertThat(p.clear()).isTrue();
        p.onRoundTrip(10 + PathEstimate.CLEAR_QUEUE_MILLIS + 1, T0 + 1_000 * MS);
        assertThat(p.clear()).isFalse();
        p.onRoundTrip(12, T0 + 2_000 * MS);
        assertThat(p.clear()).isTrue();
    }

    @Test
    void probingFillsTheGapsBetweenFramesUpToItsRateAndALargeFramePaysForTheGapsAfterIt() {
        Probe probe = new Probe();
        long sent = 0;
        assertThat(probe.paddingDue(sent, 400_000, T0)).as("the first look only starts the clock").isZero();
        // 10 ms with nothing sent at 400 kb/s: 500 bytes due
        assertThat(probe.paddingDue(sent, 400_000, T0 + 10 * MS)).isEqualTo(500);
        sent += 500;
        // a long gap earns no more than 20 ms ahead
        assertThat(probe.paddingDue(sent, 400_000, T0 + 1_010 * MS)).isEqualTo(1_000);
        sent += 1_000;
        // a 10 kB frame (200 ms at the rate) pays for the next 200 ms of gaps
        sent += 10_000;
        long t = T0 + 1_010 * MS;
        int padded = 0;
        for (int i = 1; i <= 20; i++) {
            padded += probe.paddingDue(sent, 400_000, t + i * 10 * MS);
        }
        assertThat(padded).isZero();
        assertThat(probe.paddingDue(sent, 400_000, t + 210 * MS)).isEqualTo(500);
        // not probing: nothing, and no credit left over for later
        assertThat(probe.paddingDue(sent, 0, t + 300 * MS)).isZero();
        assertThat(probe.paddingDue(sent, 400_000, t + 303 * MS)).as("150 bytes: too few for a packet").isZero();
        assertThat(probe.paddingDue(sent, 400_000, t + 313 * MS)).isEqualTo(650);
        // at a low rate a packet's worth still goes out
        Probe slow = new Probe();
        slow.paddingDue(0, 40_000, T0);
        assertThat(slow.paddingDue(0, 40_000, T0 + 100 * MS)).isEqualTo(400);
    }

    @Test
    void thePacerLetsABurstGoThenSpacesPacketsAtItsRate() {
        Pacer pacer = new Pacer();
        assertThat(pacer.waitNanos(1200, T0)).as("no rate: no wait").isZero();
        pacer.rate(960_000); // 120 bytes per ms
        long now = T0;
        int atOnce = 0;
        while (pacer.waitNanos(1200, now) == 0) {
            pacer.sent(1200, now);
            atOnce++;
        }
        assertThat(atOnce).as("packets of a burst").isEqualTo(Pacer.MIN_BURST_BYTES / 1200);
        long wait = pacer.waitNanos(1200, now);
        assertThat(wait).as("the next 1200 bytes at 120 bytes/ms").isBetween(9 * MS, 10 * MS);
        now += wait;
        assertThat(pacer.waitNanos(1200, now)).isZero();
        pacer.sent(1200, now);
        // a second of silence refills the burst, no more
        now += 1_000 * MS;
        int again = 0;
        while (pacer.waitNanos(1200, now) == 0) {
            pacer.sent(1200, now);
            again++;
        }
        assertThat(again).isEqualTo(atOnce);
    }

    @Test
    void onAPathWiderThanTheStreamAWholeFrameLeavesAtOnce() {
        Pacer pacer = new Pacer();
        pacer.rate(6_000_000); // 30 kB in 40 ms
        long now = T0;
        pacer.sent(1200, now);
        now += 100 * MS; // a frame interval and more of quiet
        int atOnce = 0;
        while (pacer.waitNanos(1200, now) == 0 && atOnce < 1000) {
            pacer.sent(1200, now);
            atOnce++;
        }
        assertThat(atOnce).as("a 30 kB keyframe's packets, back to back").isEqualTo(25);
        assertThat(pacer.waitNanos(1200, now)).as("then the rate again").isBetween(1 * MS, 2 * MS);
    }

    @Test
    void aFrameOverTheBudgetStartsASkipThatOnlyAKeyframeInTimeEnds() {
        LatencyBudget budget = new LatencyBudget(150);
        long slowPath = 500 * MS; // the path needs half a second for what is queued
        assertThat(budget.decide(false, 20 * MS, false, slowPath)).isEqualTo(LatencyBudget.Decision.SEND);
        assertThat(budget.decide(false, 400 * MS, true, slowPath)).as("a replayed picture is never late")
                .isEqualTo(LatencyBudget.Decision.SEND);
        assertThat(budget.decide(false, 400 * MS, false, 20 * MS))
                .as("late from a stall, but the path drains the queue at once: catch up").isEqualTo(LatencyBudget.Decision.SEND);
        assertThat(budget.decide(false, 400 * MS, false, 0)).as("no estimate yet: catch up").isEqualTo(LatencyBudget.Decision.SEND);
        assertThat(budget.decide(false, 151 * MS, false, slowPath)).isEqualTo(LatencyBudget.Decision.SKIP_LATE);
        assertThat(budget.skipping()).isTrue();
        assertThat(budget.decide(false, 10 * MS, false, slowPath)).as("it cannot be decoded without the one before")
                .isEqualTo(LatencyBudget.Decision.SKIP_UNTIL_KEYFRAME);
        assertThat(budget.decide(true, 300 * MS, false, slowPath)).as("a keyframe that is late itself")
                .isEqualTo(LatencyBudget.Decision.SKIP_UNTIL_KEYFRAME);
        assertThat(budget.decide(true, 30 * MS, false, slowPath)).isEqualTo(LatencyBudget.Decision.SEND_RESUMING);
        assertThat(budget.decide(false, 30 * MS, false, slowPath)).isEqualTo(LatencyBudget.Decision.SEND);
        assertThat(budget.skipped()).isEqualTo(3);
        assertThat(budget.skips()).isEqualTo(1);
        assertThatThrownBy(() -> new LatencyBudget(0)).hasMessageContaining("positive");
    }

    @Test
    void theCameraServesThePathThatHalfOfTheViewersCanMatch() {
        assertThat(CameraBitrate.served(List.of())).isEmpty();
        assertThat(CameraBitrate.served(List.of(path(700_000, 0)))).map(p -> p.estimateBps().getAsLong()).hasValue(700_000L);
        assertThat(CameraBitrate.served(List.of(path(700_000, 0), path(3_000_000, 0))))
                .as("with two, the wider: the narrow one skips").map(p -> p.estimateBps().getAsLong()).hasValue(3_000_000L);
        assertThat(CameraBitrate.served(List.of(path(700_000, 0), path(3_000_000, 0), path(2_000_000, 0),
                new CameraBitrate.ViewerPath(OptionalLong.empty(), 0, 0, false))))
                .map(p -> p.estimateBps().getAsLong()).hasValue(2_000_000L);
    }

    @Test
    void theBitrateGoesDownOnceThePathLagsForASecondAndUpInStepsWhenItIsClear() {
        CameraBitrate bitrate = new CameraBitrate(1_500_000, 150_000, 300);
        long now = T0;
        assertThat(bitrate.tick(List.of(path(700_000, 1_400_000)), now)).as("the first look").isNull();
        assertThat(bitrate.tick(List.of(path(700_000, 1_400_000)), now + 500 * MS)).isNull();
        CameraBitrate.Change down = bitrate.tick(List.of(path(700_000, 1_400_000)), now + 1_000 * MS);
        assertThat(down.toBps()).as("80 % of what the path carries").isEqualTo(560_000);
        assertThat(down.reason()).contains("carries 700 kb/s of the 1400 kb/s sent");

        // clear: the estimate runs ahead of what is sent; up by a quarter after 6 s, at most to 95 % of the estimate
        now += 1_000 * MS;
        CameraBitrate.Change up = null;
        for (long t = 500; t <= 6_500 && up == null; t += 500) {
            up = bitrate.tick(List.of(path(2_000_000, 540_000)), now + t * MS);
        }
        assertThat(up).isNotNull();
        assertThat(up.toBps()).isEqualTo(700_000);
        assertThat(bitrate.currentBps()).isEqualTo(700_000);
    }

    @Test
    void aStepUpThatFailsDoublesTheWaitBeforeTheNext() {
        CameraBitrate bitrate = new CameraBitrate(1_500_000, 150_000, 300);
        long now = T0;
        for (int i = 0; i <= 2; i++) {
            bitrate.tick(List.of(path(700_000, 1_400_000)), now += 500 * MS);
        }
        assertThat(bitrate.currentBps()).isEqualTo(560_000);
        long upAt = -1;
        for (int i = 0; i < 20 && upAt < 0; i++) {
            if (bitrate.tick(List.of(path(900_000, 560_000)), now += 500 * MS) != null) {
                upAt = now;
            }
        }
        assertThat(bitrate.currentBps()).isEqualTo(700_000);
        // right after the step up the path lags: down again, and the next step up waits twice as long (12 s)
        for (int i = 0; i < 4; i++) {
            bitrate.tick(List.of(path(650_000, 700_000)), now += 500 * MS);
        }
        assertThat(bitrate.currentBps()).isEqualTo(520_000);
        long clearFrom = now;
        long nextUp = -1;
        for (int i = 0; i < 40 && nextUp < 0; i++) {
            if (bitrate.tick(List.of(path(900_000, 500_000)), now += 500 * MS) != null) {
                nextUp = now;
            }
        }
        assertThat((nextUp - clearFrom) / MS).as("ms of clear path before the next step up").isBetween(12_000L, 12_600L);
    }

    @Test
    void aQueueOrSkippingMeansCongestionWhateverTheEstimateSaysAndTheFloorHolds() {
        CameraBitrate bitrate = new CameraBitrate(1_500_000, 400_000, 300);
        long now = T0;
        CameraBitrate.Change change = null;
        for (int i = 0; i < 4 && change == null; i++) {
            change = bitrate.tick(List.of(new CameraBitrate.ViewerPath(OptionalLong.of(5_000_000), 1_400_000, 450, false)),
                    now += 500 * MS);
        }
        assertThat(change.toBps()).isEqualTo(1_200_000);
        assertThat(change.reason()).contains("450 ms queued");
        for (int i = 0; i < 100; i++) {
            bitrate.tick(List.of(new CameraBitrate.ViewerPath(OptionalLong.of(100_000), 400_000, 0, true)), now += 500 * MS);
        }
        assertThat(bitrate.currentBps()).as("never below the floor").isEqualTo(400_000);
    }

    @Test
    void withNoViewerForTenSecondsTheCameraReturnsToItsConfiguredBitrate() {
        CameraBitrate bitrate = new CameraBitrate(1_500_000, 150_000, 300);
        long now = T0;
        for (int i = 0; i <= 2; i++) {
            bitrate.tick(List.of(path(700_000, 1_400_000)), now += 500 * MS);
        }
        assertThat(bitrate.tick(List.of(), now += 500 * MS)).isNull();
        CameraBitrate.Change back = null;
        for (int i = 0; i < 21 && back == null; i++) {
            back = bitrate.tick(List.of(), now += 500 * MS);
        }
        assertThat(back.toBps()).isEqualTo(1_500_000);
    }

    /**
     * A libwebrtc receiver's REMB behind a 1 Mbit/s link (recorded while a 1.5 Mbit/s recording was sent to it, see
     * the file), replayed with a camera that sends what it is set to: it steps down within two seconds of the first
     * estimate, to about 80 % of what the path carries, then stays near the estimate without flapping.
     */
    @Test
    void onRecordedFeedbackFromA1MbitLinkTheCameraStepsDownWithinTwoSeconds() throws IOException {
        List<long[]> samples = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("src/test/resources/congestion/remb-1mbit-link-1.5mbit-stream.txt"))) {
            if (!line.startsWith("#") && !line.isBlank()) {
                String[] f = line.trim().split("\\s+");
                samples.add(new long[]{Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])});
            }
        }
        PathEstimate estimate = new PathEstimate();
        CameraBitrate bitrate = new CameraBitrate(1_500_000, 150_000, 300);
        long start = samples.get(0)[0];
        long nextTick = start;
        long highestEstimate = 0;
        List<CameraBitrate.Change> changes = new ArrayList<>();
        List<Long> changedAt = new ArrayList<>();
        for (long[] s : samples) {
            long nanos = s[0] * MS;
            estimate.onEstimate(s[1], nanos);
            estimate.onRoundTrip(s[2], nanos);
            highestEstimate = Math.max(highestEstimate, s[1]);
            while (nextTick <= s[0]) {
                long sentBps = bitrate.currentBps() * 95 / 100; // the camera sends about what it is set to
                CameraBitrate.Change c = bitrate.tick(List.of(new CameraBitrate.ViewerPath(estimate.availableBps(nanos),
                        sentBps, estimate.queueMillis(), false)), nextTick * MS);
                if (c != null) {
                    changes.add(c);
                    changedAt.add(nextTick - start);
                }
                nextTick += 500;
            }
        }
        assertThat(changes).as("decisions on the recording: %s at %s ms", changes, changedAt).isNotEmpty();
        assertThat(changedAt.get(0)).as("ms from the first estimate to the step down").isLessThanOrEqualTo(2_000);
        assertThat(changes.get(0).toBps()).isBetween(450_000L, 720_000L);
        assertThat(changes).as("a few steps in 30 s, not a flapping: %s", changes).hasSizeLessThanOrEqualTo(6);
        long top = highestEstimate;
        assertThat(changes).allSatisfy(c -> assertThat(c.toBps()).isLessThanOrEqualTo(top));
    }
}
