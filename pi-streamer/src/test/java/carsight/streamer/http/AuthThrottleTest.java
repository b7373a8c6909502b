package carsight.streamer.http;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class AuthThrottleTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final AuthThrottle throttle = new AuthThrottle(now::get);

    @Test
    void tenWrongTokensInAMinuteBlockTheAddressUntilTheMinuteIsOver() {
        for (int i = 1; i < AuthThrottle.MAX_FAILURES; i++) {
            assertThat(throttle.failure("192.0.2.7")).isFalse();
            assertThat(throttle.blockedSeconds("192.0.2.7")).isZero();
        }
        assertThat(throttle.failure("192.0.2.7")).as("the tenth blocks").isTrue();
        assertThat(throttle.blockedSeconds("192.0.2.7")).isEqualTo(60);
        assertThat(throttle.blockedSeconds("192.0.2.8")).as("others are not affected").isZero();
        now.addAndGet(45_000_000_000L);
        assertThat(throttle.blockedSeconds("192.0.2.7")).isEqualTo(15);
        now.addAndGet(15_000_000_000L);
        assertThat(throttle.blockedSeconds("192.0.2.7")).isZero();
        assertThat(throttle.failure("192.0.2.7")).as("a new window starts counting from one").isFalse();
        assertThat(throttle.blockedSeconds("192.0.2.7")).isZero();
    }

    @Test
    void failuresSpreadOverMoreThanAMinuteNeverBlock() {
        for (int i = 0; i < 50; i++) {
            throttle.failure("192.0.2.9");
            now.addAndGet(7_000_000_000L); // one every 7 s: at most 9 in any window
            assertThat(throttle.blockedSeconds("192.0.2.9")).isZero();
        }
    }

    @Test
    void anIpv6HostCountsAsItsWholeSlash64() {
        for (int i = 0; i < AuthThrottle.MAX_FAILURES; i++) {
            throttle.failure("2001:db8:1:2::" + Integer.toHexString(i + 1));
        }
        assertThat(throttle.blockedSeconds("2001:db8:1:2:ffff::9")).isPositive();
        assertThat(throttle.blockedSeconds("[2001:db8:1:2::77]")).isPositive();
        assertThat(throttle.blockedSeconds("2001:db8:1:3::1")).isZero();
    }

    @Test
    void theTableStaysBoundedWhateverTheNumberOfAddresses() {
        for (int i = 0; i < AuthThrottle.MAX_ADDRESSES + 500; i++) {
            throttle.failure("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255));
        }
        assertThat(throttle.tracked()).isEqualTo(AuthThrottle.MAX_ADDRESSES);
    }
}
