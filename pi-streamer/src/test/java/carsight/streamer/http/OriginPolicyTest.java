package carsight.streamer.http;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OriginPolicyTest {

    private final OriginPolicy policy = new OriginPolicy(List.of("https://ops.example.net"));

    @Test
    void nativeClientsWithoutAnOriginAreAllowed() {
        assertThat(policy.allows(null, "198.51.100.1:8080")).isTrue();
    }

    @Test
    void theStreamersOwnPageIsAllowedByWhateverNameItWasReached() {
        assertThat(policy.allows("http://198.51.100.1:8080", "198.51.100.1:8080")).isTrue();
        assertThat(policy.allows("http://Car1.local:8080", "car1.local:8080")).isTrue();
        assertThat(policy.allows("http://[2001:db8::1]:8080", "[2001:db8::1]:8080")).isTrue();
    }

    @Test
    void otherPagesAreRefused() {
        assertThat(policy.allows("https://evil.example", "198.51.100.1:8080")).isFalse();
        assertThat(policy.allows("http://198.51.100.1:9999", "198.51.100.1:8080")).as("another port is another site").isFalse();
        assertThat(policy.allows("null", "198.51.100.1:8080")).as("sandboxed and file: pages").isFalse();
        assertThat(policy.allows("http://198.51.100.1:8080", null)).isFalse();
    }

    @Test
    void configuredOriginsAndTheWildcardAreAllowed() {
        assertThat(policy.allows("https://ops.example.net", "198.51.100.1:8080")).isTrue();
        assertThat(policy.allows("https://ops.example.net/", "198.51.100.1:8080")).isTrue();
        assertThat(new OriginPolicy(List.of("*")).allows("https://anything.example", "198.51.100.1:8080")).isTrue();
    }
}
