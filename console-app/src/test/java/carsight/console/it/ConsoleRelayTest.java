package carsight.console.it;

import carsight.streamer.it.RelayReceiverProbe;
import carsight.streamer.it.StreamerProcess;
import carsight.streamer.testnet.JanusRelay;
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
 * The car behind a NAT router that lets nothing in, publishing once to Janus in a relay namespace; ten libwebrtc
 * viewers and the real console watch through the relay from a fourth namespace; the car's address changes, then Janus
 * is restarted mid-stream.
 *
 * <pre>
 *   cs-r-car 192.0.2.2 ── 192.0.2.1 cs-r-nat 203.0.113.2 ── 203.0.113.1 cs-r-relay (Janus) 198.51.100.1 ── 198.51.100.2 cs-r-watch
 * </pre>
 */
@Tag("netns")
class ConsoleRelayTest {

    static final String CAR = "192.0.2.2";
    static final String RELAY_FOR_CAR = "203.0.113.1";
    static final String RELAY_FOR_VIEWERS = "198.51.100.1";
    static final String ADMIN_KEY = "carsight-test-admin-key";
    static final int VIEWERS = 10;

    @TempDir
    Path dir;
    NetNamespaces net;
    String carNs;
    String carInterface;
    String watchNs;

    @BeforeEach
    void network() throws Exception {
        NetNamespaces.assumeAvailable();
        JanusRelay.assumeInstalled();
        net = new NetNamespaces();
        carNs = net.create("cs-r-car");
        String natNs = net.create("cs-r-nat");
        String relayNs = net.create("cs-r-relay");
        watchNs = net.create("cs-r-watch");
        String[] lan = net.link(carNs, CAR + "/24", natNs, "192.0.2.1/24");
        String[] wan = net.link(natNs, "203.0.113.2/24", relayNs, RELAY_FOR_CAR + "/24");
        net.link(relayNs, RELAY_FOR_VIEWERS + "/24", watchNs, "198.51.100.2/24");
        net.route(carNs, "default", "192.0.2.1");
        net.route(relayNs, "192.0.2.0/24", "203.0.113.2"); // a way to the car's network: only the NAT stops it
        net.natRouter(natNs, lan[1], wan[0]);
        carInterface = lan[0];
    }

    @AfterEach
    void teardown() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    void tenViewersAndTheConsoleWatchACarBehindNatThroughJanusAndComeBackByThemselvesWhenJanusRestarts()
            throws Exception {
        Path key = Files.writeString(dir.resolve("relay-key"), ADMIN_KEY + "\n");
        String forViewers = "janus+http://" + RELAY_FOR_VIEWERS + ":8088/janus?mountpoint=7";
        try (JanusRelay janus = JanusRelay.start(net, "cs-r-relay", dir, RELAY_FOR_VIEWERS, ADMIN_KEY);
             StreamerProcess car = StreamerProcess.start(net, carNs, CAR, dir, "--camera", "test-pattern",
                     "--size", "320x240", "--fps", "15", "--relay",
                     "janus+http://" + RELAY_FOR_CAR + ":8088/janus?mountpoint=7", "--relay-key-file", key.toString())) {
            StreamerProcess.awaitLine(car.logFile(), "relay: publishing to", 30);
            assertThat(net.canConnect(carNs, CAR, 8080)).as("the car's port, from the car").isTrue();
            assertThat(net.canConnect("cs-r-relay", CAR, 8080)).as("the car's port, from the relay").isFalse();

            Path out = dir.resolve("viewers.json");
            Path probeLog = dir.resolve("viewers.log");
            Process probe = net.start(watchNs, NetNamespaces.java(RelayReceiverProbe.class.getName(), forViewers,
                    String.valueOf(VIEWERS), "240", out.toString()), probeLog);
            Path reportFile = dir.resolve("report.json");
            Process console = net.start(watchNs, consoleCommand(forViewers, 34, reportFile), dir.resolve("console.log"));
            try {
                try {
                    StreamerProcess.awaitLine(probeLog, RelayReceiverProbe.ALL_WATCHING + ", round 1", 90);
                    StreamerProcess.awaitLine(dir.resolve("console.log"), "link: live", 60);
                } catch (IllegalStateException e) {
                    throw new AssertionError(e.getMessage() + "\nviewers: " + (Files.exists(out) ? Files.readString(out)
                            : "") + "\nJanus:\n" + janus.log() + "\ncar:\n" + car.log(), e);
                }

                // the car sends one stream's worth for eleven viewers: counted while its camera makes 400 kB
                long sentBefore = net.bytesSent(carNs, carInterface);
                long cameraBefore = metric("carsight_bytes_in_total");
                org.awaitility.Awaitility.await("the camera's next 400 kB").atMost(java.time.Duration.ofSeconds(60))
                        .pollInterval(java.time.Duration.ofMillis(200))
                        .until(() -> metric("carsight_bytes_in_total") - cameraBefore >= 400_000);
                long sent = net.bytesSent(carNs, carInterface) - sentBefore;
                long camera = metric("carsight_bytes_in_total") - cameraBefore;
                System.out.printf("relay: while its camera made %d bytes of H.264, the car's interface sent %d bytes "
                        + "for %d viewers and a console%n", camera, sent, VIEWERS);
                assertThat(camera).as("camera bytes in the window").isPositive();
                assertThat(sent).as("bytes the car sent vs one stream (%d)", camera).isLessThan(camera * 2);
                assertThat(metric("carsight_viewers")).as("viewers connected to the car itself").isZero();

                // the car's address changes (a new cell): its packets go on from the new one, no viewer has to watch
                // again (the mountpoint stays); then it changes back, so the test can read the car's /metrics again
                Path frames = Path.of(out + ".frames");
                long before = Long.parseLong(Files.readString(frames).strip());
                net.changeAddress(carNs, CAR + "/24", "192.0.2.12/24");
                net.route(carNs, "default", "192.0.2.1");
                org.awaitility.Awaitility.await("every viewer's current watch goes on after the car's address changed")
                        .atMost(java.time.Duration.ofSeconds(30)).pollInterval(java.time.Duration.ofMillis(250))
                        .until(() -> Long.parseLong(Files.readString(frames).strip()) > before + 45);
                net.changeAddress(carNs, "192.0.2.12/24", CAR + "/24");
                net.route(carNs, "default", "192.0.2.1");
                assertThat(Files.readString(probeLog)).as("viewers watching again").doesNotContain(", round 2");

                assertThat(console.isAlive()).as("the console still runs (its --duration is counted from its start)")
                        .isTrue();
                janus.restart();
                long restartedAt = System.currentTimeMillis();
                StreamerProcess.awaitLine(probeLog, RelayReceiverProbe.ALL_WATCHING + ", round 2", 90);
                Files.writeString(Path.of(out + ".stop"), "");
                assertThat(probe.waitFor(60, TimeUnit.SECONDS)).as("viewers' probe ends").isTrue();

                assertThat(console.waitFor(120, TimeUnit.SECONDS)).as("console finished").isTrue();
                String consoleLog = Files.readString(dir.resolve("console.log"));
                assertThat(reportFile).as(consoleLog).exists();
                JsonNode r = new ObjectMapper().readTree(reportFile.toFile());
                double meter = r.path("latencyMs").path("p50").asDouble();
                double truth = r.path("truthLatencyMs").path("p50").asDouble();
                System.out.println("console through the relay: meter p50 " + meter + " ms, truth p50 " + truth
                        + " ms, |meter − truth| per frame p50 " + r.path("meterErrorMs").path("p50") + " ms, reconnects "
                        + r.path("reconnects") + "\n" + String.join("\n",
                        consoleLog.lines().filter(l -> l.contains("link:")).toList()));
                assertThat(truth).as("%s", r).isPositive();
                assertThat(Math.abs(meter - truth)).as("|meter p50 − truth p50| in %s", r).isLessThanOrEqualTo(5.0);
                assertThat(r.path("reconnects").asLong()).as("console reconnects").isPositive();
                assertThat(ConsoleNetworkTest.framesShownAfter(r, restartedAt)).as("console frames after the restart")
                        .isGreaterThan(30);
            } finally {
                probe.destroyForcibly();
                console.destroyForcibly();
            }
            JsonNode result = new ObjectMapper().readTree(Files.readString(out));
            assertThat(result.has("failure")).as("probe: %s", result).isFalse();
            for (JsonNode viewer : result.path("viewers")) {
                assertThat(viewer.path("watches").asInt()).as("watches: %s", viewer).isGreaterThanOrEqualTo(2);
                assertThat(viewer.path("framesThisWatch").asLong()).as("frames after the restart: %s", viewer)
                        .isGreaterThanOrEqualTo(30);
                assertThat(viewer.path("frameMessages").asLong()).as("frame times on the data channel: %s", viewer)
                        .isPositive();
            }
            assertThat(metric("carsight_relay_reconnects_total")).as("relay reconnects").isGreaterThanOrEqualTo(1);
            assertThat(car.log()).contains("relay: lost the link to").contains("again after");
        }
    }

    private List<String> consoleCommand(String url, int seconds, Path report) {
        return new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dglass.platform=Monocle", "-Dmonocle.platform=Headless", "-Dprism.order=sw", "-Dprism.text=t2k",
                "-Dheadless.geometry=1920x1080-32", "-Djava.awt.headless=true",
                "-Djava.util.prefs.userRoot=" + dir.resolve("prefs"), "-cp", System.getProperty("java.class.path"),
                "carsight.console.Launcher", "--connect", url, "--speed", "50km/h",
                "--duration", String.valueOf(seconds), "--report", report.toString()));
    }

    private long metric(String name) throws Exception {
        String text = net.httpGet(carNs, CAR, 8080, "/metrics");
        return text.lines().filter(l -> l.startsWith(name + " ")).map(l -> (long) Double.parseDouble(
                l.substring(name.length() + 1).strip())).findFirst().orElseThrow(() ->
                new AssertionError("no " + name + " in /metrics:\n" + text));
    }
}
