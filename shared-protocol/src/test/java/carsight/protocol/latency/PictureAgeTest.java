package carsight.protocol.latency;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PictureAgeTest {

    static final long MS = 1000;

    @Test
    void nothingBeforeTheFirstPictureWithACaptureTime() {
        PictureAge age = new PictureAge();
        assertThat(age.ageMillis(5_000 * MS)).isEmpty();
        assertThat(age.sinceNewPictureMillis(5_000 * MS)).isEmpty();
        age.shown(1_000 * MS);
        age.advance(2_000 * MS);
        assertThat(age.ageMillis(2_000 * MS)).isEmpty();
        assertThat(age.summary()).isEmpty();
    }

    @Test
    void theAgeGrowsByItselfWhileNoNewPictureComes() {
        PictureAge age = new PictureAge();
        age.shownWithCapture(1_000 * MS, 960 * MS); // shown 40 ms after capture
        assertThat(age.ageMillis(1_000 * MS).getAsDouble()).isEqualTo(40.0);
        // a blackout: no frame for two seconds
        assertThat(age.ageMillis(3_000 * MS).getAsDouble()).isEqualTo(2_040.0);
        assertThat(age.sinceNewPictureMillis(3_000 * MS).getAsDouble()).isEqualTo(2_000.0);
    }

    @Test
    void untilAPicturesCaptureIsKnownThePreviousOneStandsSoTheAgeIsNeverTooYoung() {
        PictureAge age = new PictureAge();
        age.shownWithCapture(1_000 * MS, 970 * MS);
        age.shown(1_033 * MS); // the next picture is on screen, its capture time not yet matched
        assertThat(age.ageMillis(1_040 * MS).getAsDouble()).isEqualTo(70.0);
        assertThat(age.sinceNewPictureMillis(1_040 * MS).getAsDouble()).isEqualTo(7.0);
        age.captured(1_033 * MS, 1_003 * MS);
        assertThat(age.ageMillis(1_040 * MS).getAsDouble()).isEqualTo(37.0);
        age.captured(1_000 * MS, 970 * MS); // an older picture's late answer changes nothing
        assertThat(age.ageMillis(1_040 * MS).getAsDouble()).isEqualTo(37.0);
    }

    @Test
    void theSummaryIsAShareOfTimeNotOfFrames() {
        PictureAge age = new PictureAge();
        // 30 fps at 50 ms latency for 10 s, then frozen for 2 s
        long t = 0;
        for (int i = 0; i < 300; i++) {
            t = i * 33_333L;
            age.advance(t);
            age.shownWithCapture(t, t - 50 * MS);
        }
        long freezeStart = t;
        age.advance(freezeStart + 2_000 * MS);
        PictureAge.Summary s = age.summary().orElseThrow();
        // 10 s fresh (50–83 ms old) and 2 s growing from 50 to 2050 ms: 1/6 of the time frozen
        assertThat(s.seconds()).isCloseTo(12.0, within(0.05));
        assertThat(s.p50()).isBetween(50.0, 84.0);
        assertThat(s.share200()).isCloseTo((10.0 + 0.15) / 12.0, within(0.01));
        assertThat(s.share500()).isCloseTo((10.0 + 0.45) / 12.0, within(0.01));
        assertThat(s.max()).isCloseTo(2_050.0, within(10.0));
        assertThat(s.p95()).isGreaterThan(1_400.0);
        assertThat(s.longestGapMs()).isCloseTo(2_000.0, within(0.1));
    }

    @Test
    void theLongestGapCountsTheGapStillOpen() {
        PictureAge age = new PictureAge();
        age.shownWithCapture(0, 0);
        age.shownWithCapture(100 * MS, 90 * MS);
        age.advance(1_600 * MS);
        assertThat(age.summary().orElseThrow().longestGapMs()).isEqualTo(1_500.0);
    }
}
