package carsight.console.ui;

import carsight.console.latency.FrameLatency;
import carsight.protocol.speed.DistanceLevel;
import carsight.receiver.LinkState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The meter's model on a fake clock: the number is the age of the picture on screen now, also while it is frozen. */
class ConsoleModelAgeTest {

    static final long MS = 1000;
    ConsoleModel model;

    @BeforeEach
    void live() {
        model = new ConsoleModel();
        model.onLink(LinkState.LIVE, "test");
        model.applySpeed("50"); // 13.9 m/s
    }

    /** A frame shown at {@code screenMs} that was captured {@code latencyMs} before, as the console meters it. */
    void frame(long screenMs, double latencyMs) {
        model.onPictureShown(screenMs * MS);
        model.onLatency(new FrameLatency(screenMs * 90, latencyMs, 5, latencyMs - 10, 3, 2, screenMs * MS), screenMs);
    }

    @Test
    void withFramesComingTheNumberIsTheirAgeAndTheOverlayIsGreen() {
        for (long t = 10_000; t <= 11_000; t += 33) {
            frame(t, 11);
            model.tick(t * MS);
        }
        model.tick(11_005 * MS);
        assertThat(model.ageMsProperty().get()).isCloseTo(26.0, within(0.5)); // the last frame, shown at 10 990 ms, was captured 11 ms before
        assertThat(model.latencyMsProperty().get()).isEqualTo(11.0);
        assertThat(model.staleProperty().get()).isFalse();
        assertThat(model.levelProperty().get()).isEqualTo(DistanceLevel.GREEN);
        assertThat(model.distanceTextProperty().get()).isEqualTo("26 ms × 13.9 m/s = 0.36 m");
    }

    @Test
    void noFrameForTwoSecondsReadsAtLeastTwoSecondsAndTheDistanceGrowsWithIt() {
        frame(10_000, 11);
        model.tick(10_000 * MS);
        double before = model.distanceMetres();
        model.tick(12_000 * MS); // a blackout: the picture on screen stays, two seconds older
        assertThat(model.ageMsProperty().get()).isGreaterThanOrEqualTo(2_000.0);
        assertThat(model.distanceMetres()).isCloseTo(2.011 * 13.889, within(0.01)).isGreaterThan(before);
        assertThat(model.distanceTextProperty().get()).isEqualTo("2011 ms × 13.9 m/s = 27.93 m");
        assertThat(model.levelProperty().get()).isEqualTo(DistanceLevel.RED);
        // said at once, in words, before any link logic
        assertThat(model.staleProperty().get()).isTrue();
        assertThat(model.staleTextProperty().get()).isEqualTo("no new picture for 2.0 s");
        // the recent frames' median stays what it was: a smaller figure beside the age
        assertThat(model.latencyMsProperty().get()).isEqualTo(11.0);
    }

    @Test
    void staleIsSaidAfterAQuarterOfASecondAndGoesWithTheNextPicture() {
        frame(10_000, 20);
        model.tick(10_200 * MS);
        assertThat(model.staleProperty().get()).isFalse();
        model.tick(10_300 * MS);
        assertThat(model.staleTextProperty().get()).isEqualTo("no new picture for 0.3 s");
        frame(10_310, 25);
        model.tick(10_312 * MS);
        assertThat(model.staleProperty().get()).isFalse();
        assertThat(model.staleTextProperty().get()).isEmpty();
        assertThat(model.ageMsProperty().get()).isCloseTo(27.0, within(0.5));
    }

    @Test
    void whenTheLinkIsLostTheOverlaySaysSoAndHowOldThePictureStillShownIs() {
        frame(10_000, 11);
        model.tick(11_500 * MS);
        model.onLink(LinkState.LINK_LOST, "no video");
        assertThat(model.distanceTextProperty().get()).isEqualTo("LINK LOST — picture 1511 ms × 13.9 m/s = 20.99 m");
        assertThat(model.levelProperty().get()).isEqualTo(DistanceLevel.RED);
        model.tick(12_500 * MS);
        assertThat(model.distanceTextProperty().get()).startsWith("LINK LOST — picture 2511 ms");
    }

    @Test
    void beforeAnyPictureTheNumberIsEmptyAndTheOverlaySaysTheState() {
        ConsoleModel fresh = new ConsoleModel();
        fresh.onLink(LinkState.CONNECTING, "dialling");
        fresh.tick(5_000 * MS);
        assertThat(fresh.ageMsProperty().get()).isNaN();
        assertThat(fresh.staleProperty().get()).isFalse();
        assertThat(fresh.distanceTextProperty().get()).isEqualTo(LinkState.CONNECTING.label());
    }

    @Test
    void theRunsAgeOverTimeCountsTheFrozenSeconds() {
        for (long t = 10_000; t <= 18_000; t += 33) {
            model.tick(t * MS);
            frame(t, 40);
        }
        model.tick(20_000 * MS); // two seconds frozen at the end
        var s = model.ageSummary().orElseThrow();
        assertThat(s.seconds()).isCloseTo(10.0, within(0.1));
        assertThat(s.share300()).isCloseTo(0.8 + 0.26 / 10, within(0.02));
        assertThat(s.longestGapMs()).isCloseTo(2_000.0, within(40.0));
        assertThat(model.truthAgeSummary()).isEmpty();
        model.onTruth(30, 20_000 * MS, 20_000);
        model.tick(20_500 * MS);
        assertThat(model.truthAgeSummary().orElseThrow().max()).isCloseTo(530.0, within(0.5));
    }
}
