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

    /** Until the console says it is live (its log), at most {@code seconds}. */
    void awaitLive(int seconds) throws Exception {
        Path log = dir.resolve("console.log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains("link: live")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the console was not live after " + seconds + " s:\n"
                + (Files.exists(log) ? Files.readString(log) : "(no log)"));
    }

    /** Frames with a timecode the report says were shown after {@code epochMillis}. */
    static long framesShownAfter(JsonNode report, long epochMillis) {
        long n = 0;
        for (JsonNode point : report.path("truthSeries")) {
            if (point.get(0).asLong() > epochMillis) {
                n++;
            }
        }
        return n;
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
                    "truthLatencyMs", "meterErrorMs", "speedMps", "blindDistanceM", "ageMs", "truthAgeMs")) {
                assertThat(r.has(field)).as("report field %s in %s", field, r).isTrue();
            }
            System.out.println("console at 1280x720@30: " + r.path("framesRendered") + " frames drawn in "
                    + r.path("durationS") + " s, truth p50 " + r.path("truthLatencyMs").path("p50") + " ms");
            assertThat(r.path("framesRendered").asLong()).as("%s", r).isGreaterThan(30);
            assertThat(r.path("reconnects").asLong()).isZero();
            assertThat(r.path("speedMps").asDouble()).isCloseTo(13.889, org.assertj.core.data.Offset.offset(0.001));
            double meter = r.path("latencyMs").path("p50").asDouble();
            double truth = r.path("truthLatencyMs").path("p50").asDouble();
            assertThat(truth).as("%s", r).isPositive();
            assertThat(Math.abs(meter - truth)).as("|meter p50 − truth p50| in %s", r).isLessThanOrEqualTo(5.0);
            assertThat(r.path("meterErrorMs").path("p50").asDouble()).as("per frame |meter − truth| p50 in %s", r)
                    .isLessThanOrEqualTo(10.0);
            // the picture's age over time: never less than the latency of the frame under it, counted over the run
            assertThat(r.path("truthAgeMs").path("p50").asDouble()).as("%s", r).isGreaterThanOrEqualTo(truth - 1);
            assertThat(r.path("ageMs").path("seconds").asDouble()).as("%s", r).isGreaterThan(5);
            assertThat(r.path("ageMs").path("share500").asDouble()).as("%s", r).isBetween(0.0, 1.0);
            assertThat(r.path("blindDistanceM").path("p50").asDouble())
                    .isCloseTo(meter / 1000 * 13.889, org.assertj.core.data.Offset.offset(0.05));
        }
    }

    @Test
    void theConsoleReconnectsByItselfWhenTheStreamerComesBack() throws Exception {
        Path reportFile = dir.resolve("report.json");
        Process console;
        try (StreamerProcess first = StreamerProcess.start(net, streamerNs, STREAMER, dir,
                "--camera", "test-pattern", "--size", "640x480")) {
            console = console(first.url, 32, reportFile);
            awaitLive(30);
        } // killed: SIGTERM, sessions end
        Thread.sleep(6_000); // the streamer stays away for a while: long enough for a doubling backoff to have grown
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
            // video after the restart: frames with a timecode shown after the streamer was up
            long upMillis = System.currentTimeMillis() - java.time.Duration.between(up, java.time.LocalTime.now()).toMillis();
            assertThat(framesShownAfter(r, upMillis)).as("frames after the restart in %s\n%s", r, log).isGreaterThan(30);
        }
    }

    @Test
    void aTenSecondBlackoutIsReportedAsLinkLostAndTheConsoleRecoversWithoutLeavingASessionBehind() throws Exception {
        Path reportFile = dir.resolve("report.json");
        try (StreamerProcess streamer = StreamerProcess.start(net, streamerNs, STREAMER, dir,
                "--camera", "test-pattern", "--size", "640x480")) {
            Process console = console(streamer.url, 36, reportFile);
            awaitLive(30);
            net.dark(viewerNs); // a tunnel: nothing in or out of the console's host
            java.time.LocalTime darkAt = java.time.LocalTime.now();
            Thread.sleep(10_000);
            net.light(viewerNs);
            java.time.LocalTime lightAt = java.time.LocalTime.now();
            JsonNode r = report(console, reportFile, 90);

            String log = Files.readString(dir.resolve("console.log"));
            List<String> link = log.lines().filter(l -> l.contains("link:")).toList();
            assertThat(link.stream().filter(l -> java.time.LocalTime.parse(l.substring(0, 12)).isAfter(darkAt)))
                    .as("the console says the link is lost during the blackout:\n%s", String.join("\n", link))
                    .anyMatch(l -> l.contains("link lost"));
            java.time.LocalTime liveAgain = link.stream().filter(l -> l.contains("link: live"))
                    .map(l -> java.time.LocalTime.parse(l.substring(0, 12))).filter(t -> t.isAfter(lightAt))
                    .findFirst().orElseThrow(() -> new AssertionError("never live again:\n" + String.join("\n", link)));
            long recoverMs = java.time.Duration.between(lightAt, liveAgain).toMillis();
            System.out.println("blackout: live again " + recoverMs + " ms after the link came back\n"
                    + String.join("\n", link) + "\nstreamer:\n" + String.join("\n",
                    streamer.log().lines().filter(l -> l.contains("viewer") || l.contains("consent")).toList()));
            assertThat(r.path("framesRendered").asLong()).as("%s", r).isGreaterThan(60);
            // ten seconds without a new picture: the age over time saw them all, by the meter and by the timecode
            assertThat(r.path("ageMs").path("max").asDouble()).as("%s", r).isGreaterThan(9_000);
            assertThat(r.path("truthAgeMs").path("longestGapMs").asDouble()).as("%s", r).isGreaterThan(9_000);

            // the session that went dark ended on the streamer: only the console's new one may remain, then none
            org.awaitility.Awaitility.await("no viewer left on the streamer").atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> net.httpGet(streamerNs, STREAMER, 8080, "/healthz").contains("\"viewers\":0"));
            assertThat(streamer.log()).as("the dark session ended by consent freshness:\n%s", streamer.log())
                    .containsPattern("viewer [0-9a-f]+: closed after [0-9]+ s: ICE consent lost");
        }
    }

    @Test
    void whenTheStreamersAddressChangesAnIceRestartOverTheSameSocketBringsTheVideoBack() throws Exception {
        // signaling on a second link that carries TCP only, so it outlives the change; media on the first
        String signalAddress = "203.0.113.1";
        net.link(streamerNs, signalAddress + "/24", viewerNs, "203.0.113.2/24");
        net.tcpOnly(streamerNs, signalAddress);
        Path reportFile = dir.resolve("report.json");
        try (StreamerProcess streamer = StreamerProcess.start(net, streamerNs, signalAddress, dir,
                "--camera", "test-pattern", "--size", "640x480")) {
            Process console = console(streamer.url, 30, reportFile);
            awaitLive(30);
            org.awaitility.Awaitility.await("media over the first link").atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> streamer.log().contains("via host " + STREAMER + ":"));
            net.changeAddress(streamerNs, STREAMER + "/24", "198.51.100.11/24"); // the handover
            long changedAtMillis = System.currentTimeMillis();
            java.time.LocalTime changedAt = java.time.LocalTime.now();
            JsonNode r = report(console, reportFile, 60);

            String log = Files.readString(dir.resolve("console.log"));
            List<String> link = log.lines().filter(l -> l.contains("link:")).toList();
            String streamerLog = streamer.log();
            System.out.println("address change at " + changedAt + ":\n" + String.join("\n", link) + "\nstreamer:\n"
                    + String.join("\n", streamerLog.lines().filter(l -> l.contains("viewer")).toList()));
            assertThat(r.path("reconnects").asLong()).as("the same socket and session throughout:\n%s", log).isZero();
            assertThat(streamerLog).as("one session, restarted onto the new address")
                    .containsPattern("viewer [0-9a-f]+: ICE restarted, now via host 198\\.51\\.100\\.11:")
                    .doesNotContainPattern("closed after [0-9]+ s: (ICE|send|media|DTLS)");
            assertThat(streamerLog.lines().filter(l -> l.contains(" joined from ")).count()).isEqualTo(1);
            // video after the change: frames with a timecode shown more than 5 s after it
            long backAtMillis = -1;
            for (JsonNode point : r.path("truthSeries")) {
                if (point.get(0).asLong() > changedAtMillis + 200) {
                    backAtMillis = point.get(0).asLong(); // frames in flight at the change are shown within 200 ms
                    break;
                }
            }
            System.out.println("address change: video back on screen " + (backAtMillis - changedAtMillis) + " ms after it");
            assertThat(framesShownAfter(r, changedAtMillis + 5_000)).as("frames shown from 5 s after the change on, in %s", r)
                    .isGreaterThan(30);
        }
    }

    @Test
    void overHttpsTheConsolePinsTheStreamersCertificateAndRefusesAnImpostor() throws Exception {
        String url = "https://" + STREAMER + ":8080";
        String fingerprint;
        Path first = dir.resolve("first.json");
        try (StreamerProcess streamer = StreamerProcess.start(net, streamerNs, STREAMER, dir, "--camera", "test-pattern",
                "--size", "640x480", "--https", "--state-dir", dir.resolve("state-a").toString())) {
            for (int i = 0; i < 50 && !streamer.log().contains("SHA-256 fingerprint"); i++) {
                Thread.sleep(100); // printed just after the "listening on" line the start waits for
            }
            fingerprint = streamer.log().replaceAll("(?s).*SHA-256 fingerprint ([0-9A-F:]{95}).*", "$1");
            assertThat(fingerprint).as(streamer.log()).hasSize(95);
            JsonNode r = report(console(url, 12, first), first, 60);
            String log = Files.readString(dir.resolve("console.log"));
            assertThat(r.path("framesRendered").asLong()).as("%s\n%s", r, log).isGreaterThan(30);
            assertThat(log).contains("presents SHA-256 " + fingerprint + " — pinned now, on first use");
        }
        // a different streamer (another certificate) at the same address: the console refuses it
        Path second = dir.resolve("second.json");
        try (StreamerProcess impostor = StreamerProcess.start(net, streamerNs, STREAMER, dir, "--camera", "test-pattern",
                "--size", "640x480", "--https", "--state-dir", dir.resolve("state-b").toString())) {
            JsonNode r = report(console(url, 8, second), second, 60);
            String log = Files.readString(dir.resolve("console.log"));
            assertThat(r.path("framesRendered").asLong()).as(log).isZero();
            assertThat(log).contains("certificate at " + STREAMER + ":8080 changed: pinned SHA-256 " + fingerprint);
            assertThat(impostor.log()).doesNotContain("joined from");
        }
    }

}
