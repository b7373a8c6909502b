package carsight.streamer.it;

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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The page the streamer serves, in headless Chromium inside a test namespace, against the real streamer. */
@Tag("netns")
class ViewerPageTest {

    @TempDir
    Path dir;
    NetNamespaces net;

    String streamerNs;
    String viewerNs;

    /** A streamer namespace and a viewer namespace, joined at 198.51.100.1 / .2. */
    @BeforeEach
    void network() throws Exception {
        NetNamespaces.assumeAvailable();
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/chromium")) && Files.isExecutable(Path.of("/usr/bin/chromedriver")),
                "chromium and chromium-driver are needed (the README's test command installs them)");
        net = new NetNamespaces();
        streamerNs = net.create("cs-p-streamer");
        viewerNs = net.create("cs-p-viewer");
        net.link(streamerNs, "198.51.100.1/24", viewerNs, "198.51.100.2/24");
    }

    @AfterEach
    void teardown() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    void thePagePlaysMeasuresHonestlyTakesTheSpeedRefusesAWrongTokenAndReconnects() throws Exception {
        String[] camera = {"--camera", "test-pattern", "--size", "640x480", "--fps", "30"};
        Path output = dir.resolve("page.json");
        Process probe;
        try (StreamerProcess first = StreamerProcess.start(net, streamerNs, "198.51.100.1", dir, camera)) {
            probe = net.start(viewerNs, NetNamespaces.java(ViewerPageProbe.class.getName(), first.url,
                    StreamerProcess.TOKEN, output.toString()), dir.resolve("page.log"));
            Path restart = Path.of(output + ".restart-now");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (!Files.exists(restart) && probe.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(restart).as("the page probe reached its restart phase").exists();
        }
        Thread.sleep(4_000);
        long upAtMs;
        try (StreamerProcess second = StreamerProcess.start(net, streamerNs, "198.51.100.1", dir, camera)) {
            upAtMs = System.currentTimeMillis();
            assertThat(probe.waitFor(120, TimeUnit.SECONDS)).isTrue();
        }
        JsonNode r = new ObjectMapper().readTree(output.toFile());
        Path shot = Path.of(output + ".png");
        if (Files.exists(shot)) {
            Files.copy(shot, Path.of("target", "viewer-page.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        String context = r + "\n" + Files.readString(dir.resolve("page.log"));
        assertThat(r.has("failure")).as("the page probe failed: %s", context).isFalse();

        assertThat(r.path("wrongToken").path("status").asText()).as(context).contains("wrong token");
        assertThat(r.path("wrongToken").path("videoWidth").asInt()).isZero();

        JsonNode playing = r.path("playing");
        assertThat(playing.path("videoWidth").asInt()).as(context).isEqualTo(640);
        assertThat(playing.path("frames").asLong()).as("frames keep coming").isGreaterThan(r.path("afterSpeed").path("frames").asLong());
        assertThat(playing.path("status").asText()).as(context).isEqualTo("live");

        Matcher m = Pattern.compile("(\\d+) ms × 13\\.9 m/s = (\\d+\\.\\d\\d) m").matcher(r.path("afterSpeed").path("distance").asText());
        assertThat(m.matches()).as(context).isTrue();
        // the metres come from the unrounded latency: the shown ms is off by up to 0.5 ms (0.007 m at 13.9 m/s),
        // and the metres by up to 0.005 from their own rounding
        assertThat(Double.parseDouble(m.group(2))).isCloseTo(Integer.parseInt(m.group(1)) / 1000.0 * 50 / 3.6,
                org.assertj.core.data.Offset.offset(0.0125));

        assertThat(playing.path("truthSamples").asInt()).as(context).isGreaterThan(100);
        assertThat(Math.abs(playing.path("pageP50").asDouble() - playing.path("truthP50").asDouble()))
                .as("|page p50 − timecode truth p50| in %s", playing).isLessThanOrEqualTo(10.0);

        assertThat(r.path("duringOutage").path("status").asText()).as(context).containsAnyOf("link lost", "cannot reach");
        // the picture frozen: the number is how old the picture under it is, growing, said stale
        double lastAge = 0;
        int checked = 0;
        for (JsonNode f : r.path("frozen")) {
            double shownAge = Double.parseDouble(f.path("latency").asText().replace(" ms", ""));
            assertThat(f.path("stale").asText()).as("%s", f).startsWith("no new picture for");
            assertThat(shownAge).as("the number grows by itself: %s", r.path("frozen")).isGreaterThanOrEqualTo(lastAge);
            lastAge = shownAge;
            if (f.path("pictureAgeMs").isNumber()) {
                checked++;
                assertThat(shownAge).as("never younger than the picture under it: %s", f)
                        .isGreaterThanOrEqualTo(f.path("pictureAgeMs").asDouble() - 50);
            }
        }
        assertThat(r.path("frozen").size()).as(context).isEqualTo(4);
        System.out.println("page during the outage (" + checked + " readings held against the picture): " + r.path("frozen"));
        assertThat(r.path("afterRestart").path("status").asText()).as(context).isEqualTo("live");
        assertThat(r.path("afterRestart").path("videoWidth").asInt()).isEqualTo(640);
        long liveAgainMs = r.path("liveAgainAtMs").asLong() - upAtMs;
        System.out.println("streamer restarted: the page was live again " + liveAgainMs + " ms after it listened");
        assertThat(r.path("liveAgainAtMs").asLong()).as("the page live again by itself: %s", context).isPositive();
    }

    @Test
    void whenTheStreamersAddressChangesThePageRestartsIceOverTheSameSocket() throws Exception {
        // signaling on a second link that carries TCP only, so it outlives the change; media on the first
        net.link(streamerNs, "203.0.113.1/24", viewerNs, "203.0.113.2/24");
        net.tcpOnly(streamerNs, "203.0.113.1");
        Path output = dir.resolve("page.json");
        try (StreamerProcess streamer = StreamerProcess.start(net, streamerNs, "203.0.113.1", dir,
                "--camera", "test-pattern", "--size", "640x480", "--fps", "30")) {
            Process probe = net.start(viewerNs, NetNamespaces.java(ViewerPageProbe.class.getName(), streamer.url,
                    StreamerProcess.TOKEN, output.toString(), "address-change"), dir.resolve("page.log"));
            Path change = Path.of(output + ".change-now");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(change) && probe.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(change).as("the page probe reached the change").exists();
            assertThat(streamer.log()).as("media went over the first link").contains("via host 198.51.100.1:");
            net.changeAddress(streamerNs, "198.51.100.1/24", "198.51.100.11/24"); // the handover
            assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();

            JsonNode r = new ObjectMapper().readTree(output.toFile());
            String streamerLog = streamer.log();
            String context = r + "\n" + Files.readString(dir.resolve("page.log")) + "\n" + streamerLog;
            assertThat(r.has("failure")).as("the page probe failed: %s", context).isFalse();
            System.out.println("address change: the page's video back after " + r.path("videoBackAfterMs").asLong()
                    + " ms; page log " + r.path("after").path("log"));
            assertThat(r.path("videoBackAfterMs").asLong()).as(context).isPositive();
            assertThat(r.path("after").path("status").asText()).as(context).startsWith("live");
            assertThat(r.path("after").path("frames").asLong() - r.path("before").path("frames").asLong())
                    .as("frames after the change").isGreaterThan(60);
            // the same socket and session: the page connected once, and the streamer restarted that session's ICE
            assertThat(r.path("after").path("log").toString().split("connecting", -1).length - 1).as(context).isEqualTo(1);
            assertThat(streamerLog).as(context).containsPattern("ICE restarted, now via host 198\\.51\\.100\\.11:");
            assertThat(streamerLog.lines().filter(l -> l.contains(" joined from ")).count()).isEqualTo(1);
        }
    }

    /**
     * Debian's default browser, Firefox ESR, without its OpenH264 plugin (a laptop in a car may never have fetched
     * it): the page sees that this browser cannot receive H.264, says what to do instead of calling it a lost link,
     * and does not offer again and again; the streamer spends no ICE agent on it.
     */
    @Test
    void firefoxWithoutH264IsToldWhatToDoAndNothingIsRetried() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/firefox-esr")), "firefox-esr is needed (the README's test command installs it)");
        Path output = dir.resolve("firefox.json");
        try (StreamerProcess streamer = StreamerProcess.start(net, streamerNs, "198.51.100.1", dir,
                "--camera", "test-pattern", "--size", "640x480", "--fps", "30")) {
            org.awaitility.Awaitility.await("the streamer's ICE warm-up").atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> streamer.log().contains("ICE ready") || streamer.log().contains("ICE warm-up"));
            Process probe = net.start(viewerNs, NetNamespaces.java(FirefoxPageProbe.class.getName(), streamer.url,
                    StreamerProcess.TOKEN, "20", output.toString()), dir.resolve("firefox.log"));
            assertThat(probe.waitFor(150, TimeUnit.SECONDS)).as("the Firefox probe finished").isTrue();
            JsonNode r = new ObjectMapper().readTree(output.toFile());
            String log = streamer.log();
            String context = r + "\n" + Files.readString(dir.resolve("firefox.log")) + "\n" + log;
            assertThat(r.has("failure")).as("the Firefox probe failed: %s", context).isFalse();
            System.out.println("Firefox ESR without OpenH264: the page explained after " + r.path("shownAfterMs") + " ms; "
                    + "its log " + r.path("page").path("log") + "; status '" + r.path("page").path("status").asText() + "'");

            Files.copy(dir.resolve("firefox.png"), Path.of("target", "viewer-page-firefox.png"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            JsonNode page = r.path("page");
            assertThat(page.path("agent").asText()).as(context).contains("Firefox");
            assertThat(r.path("shownAfterMs").asLong()).as("the explanation shows: %s", context).isBetween(0L, 15_000L);
            assertThat(page.path("why").asText()).contains("H.264");
            assertThat(page.path("firefoxNote").asBoolean()).as("the OpenH264 plugin is named for Firefox").isTrue();
            assertThat(page.path("url").asText()).as("the address to open elsewhere").contains("#token=");
            assertThat(page.path("status").asText()).doesNotContain("link lost");
            assertThat(page.path("log").toString()).doesNotContain("link lost").doesNotContain("reconnecting");
            // the page knows before it offers: in 20 s no offer reached the streamer, no session, no ICE agent
            assertThat(log.lines().filter(l -> l.contains("refused an offer")).count()).as(context).isZero();
            assertThat(log).doesNotContain("joined from");
            assertThat(r.path("iceAgentsAfter").asLong()).as("ICE agents set up while Firefox watched (/metrics)")
                    .isEqualTo(r.path("iceAgentsBefore").asLong());
        }
    }
}
