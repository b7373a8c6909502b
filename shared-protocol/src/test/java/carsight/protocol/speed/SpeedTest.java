package carsight.protocol.speed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SpeedTest {

    @ParameterizedTest(name = "\"{0}\" is {1} m/s")
    @CsvSource(delimiter = '|', value = {
            "50|13.8889", "50 km/h|13.8889", "50km/h|13.8889", "50 KMH|13.8889", "31 mph|13.8582",
            "13.9 m/s|13.9", "13,9 m/s|13.9", "0|0", "400|111.1111", " 7 mps |7",
    })
    void parsesWhatOperatorsType(String text, double mps) throws Exception {
        assertThat(Speed.parse(text).metresPerSecond()).isCloseTo(mps, within(1e-3));
    }

    @ParameterizedTest(name = "\"{0}\": {1}")
    @CsvSource(delimiter = '|', value = {
            "fast|must be a number", "''|type a speed", "-5|cannot be negative", "401|above 400 km/h",
            "250 mph|above 400 km/h", "50 knots|unknown unit 'knots'", "1e3|must be a number",
    })
    void refusesWhatItCannotUseWithAMessageForTheOperator(String text, String message) {
        assertThatThrownBy(() -> Speed.parse(text)).isInstanceOf(SpeedFormatException.class).hasMessageContaining(message);
    }

    @Test
    void theDefaultUnitAppliesWithoutOne() throws Exception {
        assertThat(Speed.parse("10", SpeedUnit.MPS).metresPerSecond()).isEqualTo(10);
        assertThat(Speed.parse("10", SpeedUnit.MPH).in(SpeedUnit.MPH)).isCloseTo(10, within(1e-9));
        assertThat(Speed.of(50, SpeedUnit.KMH).format(SpeedUnit.KMH)).isEqualTo("50 km/h");
        assertThat(Speed.of(50, SpeedUnit.KMH).format(SpeedUnit.MPH)).isEqualTo("31.1 mph");
    }

    @Test
    void blindDistanceIsLatencyTimesSpeed() {
        assertThat(new BlindDistance(100, new Speed(14)).metres()).isCloseTo(1.4, within(1e-9));
        assertThat(new BlindDistance(500, Speed.of(50, SpeedUnit.KMH)).metres()).isCloseTo(6.944, within(1e-3));
        assertThat(new BlindDistance(112, Speed.of(50, SpeedUnit.KMH)).describe()).isEqualTo("112 ms × 13.9 m/s = 1.56 m");
    }

    @Test
    void distanceLevelsFollowTheThresholds() {
        DistanceLevel.Thresholds t = DistanceLevel.Thresholds.defaults();
        assertThat(t.classify(1.0)).isEqualTo(DistanceLevel.GREEN);
        assertThat(t.classify(1.01)).isEqualTo(DistanceLevel.AMBER);
        assertThat(t.classify(3.0)).isEqualTo(DistanceLevel.AMBER);
        assertThat(t.classify(7)).isEqualTo(DistanceLevel.RED);
        assertThat(new DistanceLevel.Thresholds(0.5, 0.5).classify(0.6)).isEqualTo(DistanceLevel.RED);
    }
}
