package carsight.protocol.relay;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RelayAddressTest {

    @ParameterizedTest(name = "{0} → {1} #{2}")
    @CsvSource(delimiter = '|', value = {
            "janus+http://relay.example.net:8088/janus?mountpoint=7|http://relay.example.net:8088/janus|7",
            "janus+http://198.51.100.1?mountpoint=1|http://198.51.100.1:8088/janus|1",
            "janus+https://relay.example.net/?mountpoint=12|https://relay.example.net:8089/janus|12",
            "' janus+http://[2001:db8::1]:9000/api/janus/?mountpoint=3 '|http://[2001:db8::1]:9000/api/janus|3",
            "JANUS+HTTP://relay:8088/janus?mountpoint=9007199254740991|http://relay:8088/janus|9007199254740991",
    })
    void readsTheApiAndTheMountpoint(String text, String api, long mountpoint) {
        RelayAddress address = RelayAddress.parse(text);
        assertThat(address.api()).hasToString(api);
        assertThat(address.mountpoint()).isEqualTo(mountpoint);
        assertThat(RelayAddress.looksLikeRelay(text)).isTrue();
        assertThat(RelayAddress.parse(address.toString())).isEqualTo(address);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "http://relay:8088/janus?mountpoint=7|must start with janus+http://",
            "janus+http://relay:8088/janus|names no mountpoint",
            "janus+http://relay:8088/janus?mountpoint=seven|mountpoint must be a number",
            "janus+http://relay:8088/janus?mountpoint=0|mountpoint must be 1..",
            "janus+http://relay:8088/janus?mountpoint=9007199254740992|mountpoint must be 1..",
            "janus+http://relay:8088/janus?mountpoint=7&pin=1|'pin' is not a setting",
            "janus+http://user:pw@relay/janus?mountpoint=7|no user or password",
            "janus+http:///janus?mountpoint=7|names no host",
            "janus+http://relay/janus?mountpoint=7#x|has a # part",
            "janus+http://re lay/?mountpoint=7|not a URL",
    })
    void saysWhatIsWrongAndWhatAValidAddressLooksLike(String text, String why) {
        assertThatThrownBy(() -> RelayAddress.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(why).hasMessageContaining(RelayAddress.EXAMPLE);
    }

    @Test
    void aStreamerAddressIsNotARelay() {
        assertThat(RelayAddress.looksLikeRelay("http://192.168.4.1:8080")).isFalse();
        assertThat(RelayAddress.looksLikeRelay("car.local")).isFalse();
    }
}
