package carsight.console.it;

import carsight.streamer.it.StreamerProcess;
import carsight.streamer.testnet.NetNamespaces;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real console (headless JavaFX on Monocle) against the real streamer, each in its own network namespace, run
 * unattended with {@code --duration --report}.
 */
@Tag("netns")
class ConsoleNetworkTest {

    static final String STREAMER = "198.51.100.1";

    @TempDir
    Path dir;
    NetNamespaces net;
    String streamerNs;
    String viewerNs;

    @BeforeEach
    void network() throws Exception {
        NetNamespaces.assumeAvailable();
        net = new NetNamespaces();
        streamerNs = net.create("cs-c-streamer");
        viewerNs = net.create("cs-c-console");
        net.link(streamerNs, STREAMER + "/24", viewerNs, "198.51.100.2/24");
    }

    @AfterEach
    void teardown() {
        if (net != null) {
            net.close();
        }
    }

    Process console(String url, int seconds, Path report) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dglass.platform=Monocle", "-Dmonocle.platform=Headless", "-Dprism.order=sw", "-Dprism.text=t2k",
                "-Dheadless.geometry=1920x1080-32", "-Djava.awt.headless=true", "-Djava.util.prefs.userRoot=" + dir.resolve("prefs"),
                "-cp", System.getProperty("java.class.path"), "carsight.console.Launcher",
                "--connect", url, "--token", StreamerProcess.TOKEN, "--speed", "50km/h",
                "--duration", String.valueOf(seconds), "--report", report.toString()));
        return net.start(viewerNs, command, dir.resolve("console.log"));
    }

    JsonNode report(Process console, Path report, int timeoutSeconds) throws Exception {
        assertThat(console.waitFor(timeoutSeconds, TimeUnit.SECONDS)).as("console finished").isTrue();
        assertThat(report).as(Files.readString(dir.resolve("console.log"))).exists();
        return new ObjectMapper().readTree(report.toFile());
    }

    @Test
    void framesRenderAndTheMeterAgreesWithTheTimecodeTruth() throws Exception {
        try (StreamerProcess streamer = StreamerProcess.start(net, streamerNs, STREAMER, dir,
                "--camera", "test-pattern", "--size", "1280x720", "--fps", "30", "--bitrate", "4M")) {
            Path reportFile = dir.resolve("report.json");
            JsonNode r = report(console(streamer.url, 15, reportFile), reportFile, 60);

            for (String field : List.of("framesRendered", "durationS", "firstFrameMs", "reconnects", "latencyMs",
                    "truthLatencyMs", "speedMps", "blindDistanceM")) {
                assertThat(r.has(field)).as("report field %s in %s", field, r).isTrue();
            }
            assertThat(r.path("framesRendered").asLong()).as("%s", r).isGreaterThan(300);
            assertThat(r.path("reconnects").asLong()).isZero();
            assertThat(r.path("speedMps").asDouble()).isCloseTo(13.889, org.assertj.core.data.Offset.offset(0.001));
            double meter = r.path("latencyMs").path("p50").asDouble();
            double truth = r.path("truthLatencyMs").path("p50").asDouble();
            assertThat(truth).as("%s", r).isPositive();
            assertThat(Math.abs(meter - truth)).as("|meter p50 − truth p50| in %s", r).isLessThanOrEqualTo(5.0);
            assertThat(r.path("blindDistanceM").path("p50").asDouble())
                    .isCloseTo(meter / 1000 * 13.889, org.assertj.core.data.Offset.offset(0.05));
        }
    }

    @Test
    void theConsoleReconnectsByItselfWithinFiveSecondsOfTheStreamerComingBack() throws Exception {
        Path reportFile = dir.resolve("report.json");
        Process console;
        try (StreamerProcess first = StreamerProcess.start(net, streamerNs, STREAMER, dir,
                "--camera", "test-pattern", "--size", "640x480")) {
            console = console(first.url, 34, reportFile);
            Thread.sleep(7_000);
        } // killed: SIGTERM, sessions end
        Thread.sleep(6_000); // long enough for a doubling backoff to have grown
        try (StreamerProcess second = StreamerProcess.start(net, streamerNs, STREAMER, dir,
                "--camera", "test-pattern", "--size", "640x480")) {
            java.time.LocalTime up = java.time.LocalTime.now();
            JsonNode r = report(console, reportFile, 60);

            String log = Files.readString(dir.resolve("console.log"));
            assertThat(r.path("reconnects").asLong()).as("%s\n%s", r, log).isPositive();
            java.time.LocalTime liveAgain = log.lines().filter(l -> l.contains("link: live"))
                    .map(l -> java.time.LocalTime.parse(l.substring(0, 12))).filter(t -> t.isAfter(up))
                    .findFirst().orElseThrow(() -> new AssertionError("never live again after the restart:\n" + log));
            long millis = java.time.Duration.between(up, liveAgain).toMillis();
            System.out.println("streamer restarted: the console was live again " + millis + " ms after it listened (at " + up
                    + "):\n" + String.join("\n", log.lines().filter(l -> l.contains("link:")).toList()));
            assertThat(millis).as("live again after the streamer is up, ms").isLessThan(5_000);
            // ~7 s of video before the restart, and video after it
            assertThat(r.path("framesRendered").asLong()).as("%s\n%s", r, log).isGreaterThan(300);
        }
    }
}
