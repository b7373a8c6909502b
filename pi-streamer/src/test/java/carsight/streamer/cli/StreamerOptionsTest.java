package carsight.streamer.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamerOptionsTest {

    @Test
    void defaultsSuitAPiZero() throws Exception {
        StreamerOptions o = StreamerOptions.parse(new String[0]);
        assertThat(o.camera()).isEqualTo("auto");
        assertThat(o.cameraSettings().width()).isEqualTo(640);
        assertThat(o.cameraSettings().height()).isEqualTo(480);
        assertThat(o.cameraSettings().fps()).isEqualTo(30);
        assertThat(o.listenHost()).isEqualTo("0.0.0.0");
        assertThat(o.listenPort()).isEqualTo(8080);
        assertThat(o.noAuth()).isFalse();
        assertThat(o.token()).isNull();
        assertThat(o.maxViewers()).isEqualTo(8);
        assertThat(o.latencyBudgetMillis()).isEqualTo(150);
        assertThat(o.rtpForward()).as("no plain RTP copy unless asked").isNull();
    }

    @Test
    void everyFlagIsRead() throws Exception {
        StreamerOptions o = StreamerOptions.parse(new String[]{"--camera", "file:/tmp/x.h264", "--size", "1280x720",
                "--fps=60", "--bitrate", "4M", "--gop", "15", "--listen", "127.0.0.1:9000", "--token", "abcdefgh12",
                "--ice-server", "stun:stun.example.test:3478", "--ice-server", "turn:turn.example.test?transport=udp",
                "--ice-username", "u", "--ice-credential", "p", "--max-viewers", "3", "--playout-delay", "0,100",
                "--rtp-forward", "127.0.0.1:5004", "--latency-budget", "250"});
        assertThat(o.camera()).isEqualTo("file:/tmp/x.h264");
        assertThat(o.cameraSettings().width()).isEqualTo(1280);
        assertThat(o.cameraSettings().fps()).isEqualTo(60);
        assertThat(o.cameraSettings().bitrateBps()).isEqualTo(4_000_000);
        assertThat(o.cameraSettings().gopFrames()).isEqualTo(15);
        assertThat(o.listenPort()).isEqualTo(9000);
        assertThat(o.iceServers()).hasSize(2);
        assertThat(o.iceServers().get(1).port()).isEqualTo(3478);
        assertThat(o.iceServers().get(1).isTurn()).isTrue();
        assertThat(o.playoutDelayMaxMillis()).isEqualTo(100);
        assertThat(o.latencyBudgetMillis()).isEqualTo(250);
        assertThat(o.rtpForward().getHostString()).isEqualTo("127.0.0.1");
        assertThat(o.rtpForward().getPort()).isEqualTo(5004);
    }

    @Test
    void aRelayIsNamedByItsAddressAndTheKeyFileStaysAPath() throws Exception {
        StreamerOptions o = StreamerOptions.parse(new String[]{"--relay",
                "janus+https://relay.example.test/janus?mountpoint=12", "--relay-key-file", "/etc/carsight/relay-key"});
        assertThat(o.relay().api()).hasToString("https://relay.example.test:8089/janus");
        assertThat(o.relay().mountpoint()).isEqualTo(12);
        assertThat(o.relayKeyFile()).isEqualTo(Path.of("/etc/carsight/relay-key"));
        assertThat(StreamerOptions.parse(new String[0]).relay()).as("no relay unless asked").isNull();
    }

    @Test
    void rtpForwardTakesAnIpv6AddressInBrackets() throws Exception {
        StreamerOptions o = StreamerOptions.parse(new String[]{"--rtp-forward=[::1]:6000"});
        assertThat(o.rtpForward().getHostString()).isEqualTo("::1");
        assertThat(o.rtpForward().getPort()).isEqualTo(6000);
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "--camera webcam|--camera must be auto, rpicam, test-pattern, test-pattern:road or file:PATH",
            "--size big|--size must be WIDTHxHEIGHT",
            "--size 641x480|must be even",
            "--fps -3|--fps must be a positive number",
            "--bitrate lots|--bitrate must be 50k..50M",
            "--listen 8080|--listen must be HOST:PORT",
            "--token short|--token must be 8..256",
            "--frobnicate|unknown option --frobnicate",
            "--fps|--fps needs a value",
            "--ice-server http://x|must start with stun: or turn:",
            "--ice-server turn:relay.test|needs --ice-username and --ice-credential",
            "--max-viewers 100|--max-viewers must be 1..64",
            "--playout-delay 50|--playout-delay must be MIN,MAX",
            "--latency-budget 5|--latency-budget must be 20..10000 ms",
            "--latency-budget soon|--latency-budget must be a positive number",
            "--rtp-forward 5004|--rtp-forward must be HOST:PORT with a port of 1..65535",
            "--rtp-forward 127.0.0.1:0|--rtp-forward must be HOST:PORT",
            "--rtp-forward 127.0.0.1:70000|--rtp-forward must be HOST:PORT",
            "--rtp-forward :5004|--rtp-forward must be HOST:PORT",
            "--rtp-forward|--rtp-forward needs a value",
            "stray|unexpected argument 'stray'",
            "--relay http://relay:8088/janus?mountpoint=7|--relay: 'http://relay:8088/janus?mountpoint=7' is not a relay address",
            "--relay janus+http://relay:8088/janus|names no mountpoint",
            "--relay-key-file /tmp/k|--relay-key-file goes with --relay",
    })
    void badArgumentsNameTheFlagAndItsForm(String args, String message) {
        assertThatThrownBy(() -> StreamerOptions.parse(args.split(" "))).isInstanceOf(UsageException.class)
                .hasMessageContaining(message);
    }

    @Test
    void tokenAndNoAuthContradict() {
        assertThatThrownBy(() -> StreamerOptions.parse(new String[]{"--token", "abcdefgh12", "--no-auth"}))
                .hasMessageContaining("contradict");
    }

    @Test
    void aConfigFileSetsWhatTheCommandLineDoesNotOverride(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("streamer.conf");
        Files.writeString(config, "# carsight\ncamera = test-pattern\nsize = 1280x720\nfps = 25\nno-auth\n");
        StreamerOptions o = StreamerOptions.parse(new String[]{"--config", config.toString(), "--fps", "50"});
        assertThat(o.camera()).isEqualTo("test-pattern");
        assertThat(o.cameraSettings().width()).isEqualTo(1280);
        assertThat(o.cameraSettings().fps()).isEqualTo(50);
        assertThat(o.noAuth()).isTrue();

        Files.writeString(config, "speed = 9000\n");
        assertThatThrownBy(() -> StreamerOptions.parse(new String[]{"--config", config.toString()}))
                .hasMessageContaining("line 1: unknown option 'speed'");
        assertThatThrownBy(() -> StreamerOptions.parse(new String[]{"--config", dir.resolve("missing").toString()}))
                .hasMessageContaining("cannot read");
    }

    @Test
    void theGeneratedTokenIsKeptPrivatelyAndReused(@TempDir Path dir) throws Exception {
        String first = TokenStore.loadOrCreate(dir.resolve("state"));
        String second = TokenStore.loadOrCreate(dir.resolve("state"));
        assertThat(first).hasSize(22).isEqualTo(second).matches("[A-Za-z0-9_-]+");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("state/token")))).isEqualTo("rw-------");
    }

    @Test
    void helpListsEveryFlag() {
        for (String flag : new String[]{"--camera", "--size", "--fps", "--bitrate", "--listen", "--token", "--no-auth",
                "--ice-server", "--ice-username", "--ice-credential", "--config", "--max-viewers", "--playout-delay",
                "--rtp-forward", "--latency-budget"}) {
            assertThat(StreamerOptions.HELP).contains(flag);
        }
    }
}
