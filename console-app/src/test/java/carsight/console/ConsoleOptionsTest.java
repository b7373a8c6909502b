package carsight.console;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsoleOptionsTest {

    @Test
    void readsTheContractFlags() {
        ConsoleOptions o = ConsoleOptions.parse(new String[]{"--connect", "192.0.2.7:8080", "--token", "t0ken",
                "--speed", "31mph", "--duration", "20", "--report", "out.json", "--thresholds", "0.5,2"});
        assertThat(o.connect().toString()).isEqualTo("http://192.0.2.7:8080");
        assertThat(o.token()).isEqualTo("t0ken");
        assertThat(o.speed().metresPerSecond()).isCloseTo(13.858, org.assertj.core.data.Offset.offset(0.001));
        assertThat(o.speedUnit()).as("the operator's own unit").isEqualTo(carsight.protocol.speed.SpeedUnit.MPH);
        assertThat(o.durationSeconds()).isEqualTo(20);
        assertThat(o.report().toString()).isEqualTo("out.json");
        assertThat(o.thresholds().greenMaxMetres()).isEqualTo(0.5);
        assertThat(ConsoleOptions.parse(new String[]{"--demo"}).demo()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--speed fast|--speed: speed must be a number",
            "--speed 500|above 400 km/h",
            "--duration 0|--duration must be a positive number",
            "--report x.json|--report needs --duration",
            "--thresholds 3,1|--thresholds must be GREEN,AMBER",
            "--demo --connect 192.0.2.7:8080|contradict",
            "--bogus|unknown option --bogus",
            "--connect ftp://car:21|a streamer address looks like http://192.168.1.50:8080",
            "--connect http://|is not an address",
    })
    void badFlagsSayWhatIsWrong(String args, String message) {
        assertThatThrownBy(() -> ConsoleOptions.parse(args.split(" "))).hasMessageContaining(message);
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "192.0.2.7:8080|http://192.0.2.7:8080",
            "  https://car.local:8443  |https://car.local:8443",
            "HTTP://Car:8080|http://Car:8080",
            "http://[2001:db8::7]:8080|http://[2001:db8::7]:8080",
            "janus+http://relay.example.net/?mountpoint=7|janus+http://relay.example.net:8088/janus?mountpoint=7",
    })
    void anAddressTypedInTheTopBarBecomesTheStreamers(String typed, String address) {
        assertThat(ConsoleOptions.streamerAddress(typed).toString()).isEqualTo(address);
    }

    @org.junit.jupiter.api.Test
    void aBadRelayAddressSaysWhatARelayAddressLooksLike() {
        assertThatThrownBy(() -> ConsoleOptions.streamerAddress("janus+http://relay:8088/janus"))
                .hasMessageContaining("names no mountpoint")
                .hasMessageContaining("A relay address looks like janus+http://relay.example.net:8088/janus?mountpoint=7");
    }

    @ParameterizedTest(name = "[{index}] ''{0}''")
    @CsvSource(delimiter = '|', value = {"not an address at all", "http://", "ws://car:8080", "http://car:99999", "''"})
    void aBadAddressSaysWhatAGoodOneLooksLikeInsteadOfAnException(String typed) {
        assertThatThrownBy(() -> ConsoleOptions.streamerAddress(typed))
                .hasMessageContaining("a relay's like janus+http://relay.example.net:8088/janus?mountpoint=7");
        assertThatThrownBy(() -> ConsoleOptions.streamerAddress(typed))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a streamer address looks like http://192.168.1.50:8080")
                .hasMessageNotContaining("Cannot invoke");
    }
}
