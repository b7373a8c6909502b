package carsight.streamer.ice;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TurnCredentialsTest {

    @Test
    void followsCoturnsSharedSecretScheme() {
        // expected value computed independently: base64(HMAC-SHA1("north-wind-42", "1764000000:carsight"))
        assertThat(TurnCredentials.username(1_764_000_000L, "carsight")).isEqualTo("1764000000:carsight");
        assertThat(TurnCredentials.password("north-wind-42", "1764000000:carsight")).isEqualTo("tys6h4cZnJLJyshcGouzetxnPSA=");
    }

    @Test
    void everyResolutionIssuesCredentialsThatExpireAfterTheTtl() {
        IceConfig config = new IceConfig(List.of(new IceServer("stun:198.51.100.254:3478", null, null),
                new IceServer("turn:198.51.100.254:3478", null, null)), 0, 0, "north-wind-42", 3600);
        List<IceServer> now = config.resolved(1_764_000_000L);
        assertThat(now.get(0).hasCredentials()).isFalse();
        IceServer turn = now.get(1);
        assertThat(turn.username()).isEqualTo("1764003600:carsight");
        assertThat(turn.credential()).isEqualTo(TurnCredentials.password("north-wind-42", "1764003600:carsight"));
        assertThat(turn.expiresAtSeconds()).isEqualTo(1_764_003_600L);
        assertThat(config.resolved(1_764_000_100L).get(1).username()).isEqualTo("1764003700:carsight");
        assertThat(turn.toString()).doesNotContain(turn.credential());
    }

    @Test
    void fixedCredentialsStayAsGivenAndATurnServerNeedsOneOrTheOther() {
        IceConfig fixed = new IceConfig(List.of(new IceServer("turn:198.51.100.254:3478", "car", "pw")), 0, 0);
        assertThat(fixed.resolved(1).get(0).username()).isEqualTo("car");
        assertThat(fixed.resolved(1).get(0).expiresAtSeconds()).isNull();
        assertThatThrownBy(() -> new IceConfig(List.of(new IceServer("turn:198.51.100.254:3478", null, null)), 0, 0))
                .hasMessageContaining("--turn-secret");
    }
}
