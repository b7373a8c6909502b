package carsight.streamer.it;

import carsight.streamer.testnet.NetNamespaces;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The streamer against real receivers — libwebrtc (webrtc-java) and Chromium — each in its own network namespace,
 * joined by a veth link (and a TURN relay in a third namespace). Every test builds and removes its own namespaces.
 */
@Tag("netns")
class StreamerNetworkTest {

    static final String STREAMER_ADDRESS = "198.51.100.1";
    static final String VIEWER_ADDRESS = "198.51.100.2";

    @TempDir
    Path dir;
    NetNamespaces net;
    String streamerNs;
    String viewerNs;

    @BeforeEach
    void network() throws Exception {
        NetNamespaces.assumeAvailable();
        net = new NetNamespaces();
        streamerNs = net.create("cs-streamer");
        viewerNs = net.create("cs-viewer");
    }

    @AfterEach
    void teardown() {
        if (net != null) {
            net.close();
        }
    }

    void directLink() throws Exception {
        net.link(streamerNs, STREAMER_ADDRESS + "/24", viewerNs, VIEWER_ADDRESS + "/24");
    }

    @Test
    void libwebrtcDecodesThe720pTestPatternAndReadsItsTimecode() throws Exception {
        directLink();
        try (StreamerProcess streamer = StreamerProcess.start(net, streamerNs, STREAMER_ADDRESS, dir,
                "--camera", "test-pattern", "--size", "1280x720", "--fps", "30", "--bitrate", "4M")) {
            JsonNode r = ProbeRun.webrtc(net, viewerNs, streamer.url, 10, dir).result(60);

            assertThat(r.path("width").asInt()).isEqualTo(1280);
            assertThat(r.path("height").asInt()).isEqualTo(720);
            long announced = r.path("framesAnnouncedSinceFirstFrame").asLong();
            long rendered = r.path("framesRendered").asLong();
            assertThat(announced).as("frames the streamer sent after the first one rendered").isGreaterThan(200);
            assertThat(rendered).as("decoded and rendered vs sent: %s", r).isGreaterThanOrEqualTo((long) (announced * 0.95));
            assertThat(r.path("framesWithTimecode").asLong()).as("frames whose timecode read back")
                    .isGreaterThanOrEqualTo((long) (rendered * 0.95));
            assertThat(r.path("truthLatencyP50Ms").isNumber()).isTrue();
        }
    }

    /** send − capture of each frame the viewer was told about, skipping the first {@code skip} (the replayed GOP). */
    static List<Long> sendMinusCaptureMicros(JsonNode probe, int skip) {
        List<Long> out = new java.util.ArrayList<>();
        JsonNode times = probe.path("frameTimes");
        for (int i = skip; i < times.size(); i++) {
            out.add(times.get(i).get(1).asLong() - times.get(i).get(0).asLong());
        }
        return out;
    }

    static long percentile(List<Long> values, double q) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(Math.max(0, (int) Math.ceil(q * sorted.size()) - 1));
    }

    @Test
    void eachTestPatternFrameLeavesAsSoonAsItIsEncodedNotWhenTheNextOneBegins() throws Exception {
        directLink();
        try (StreamerProcess streamer = StreamerProcess.start(net, streamerNs, STREAMER_ADDRESS, dir,
                "--camera", "test-pattern", "--size", "640x480", "--fps", "10")) {
            JsonNode r = ProbeRun.webrtc(net, viewerNs, streamer.url, 6, dir).result(60);

            List<Long> held = sendMinusCaptureMicros(r, 20);
            System.out.println("test pattern at 10 fps: drawn → last packet sent p50 " + percentile(held, 0.5) / 1000.0
                    + " ms, p95 " + percentile(held, 0.95) / 1000.0 + " ms over " + held.size() + " frames");
            assertThat(held).as("frames announced").hasSizeGreaterThan(20);
            // a frame held until the next one begins would wait a whole interval: 100 ms at 10 fps
            assertThat(percentile(held, 0.5)).as("drawn → sent, µs, p50: %s", held).isLessThan(50_000);
        }
    }

    /**
     * A camera program of the test's own in place of rpicam-vid ({@link StandInRpicamVid}): it writes each frame and
     * then its metadata record, with a sensor timestamp 25 ms before the write, as the Pi's camera stack would.
     */
    @Test
    void aPiCamerasFramesLeaveAtTheirRecordAndCarryTheSensorsTimes() throws Exception {
        directLink();
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path standInLog = dir.resolve("stand-in.log");
        Path program = bin.resolve("rpicam-vid");
        Files.writeString(program, "#!/bin/sh\nexport CARSIGHT_SENSOR_DELAY_MS=25 CARSIGHT_STANDIN_LOG='" + standInLog
                + "' CARSIGHT_STANDIN_CLIP='" + Path.of("src/test/resources/h264/pi-car-720p30-high.h264").toAbsolutePath()
                + "'\nexec " + String.join(" ", NetNamespaces.java(StandInRpicamVid.class.getName()).stream()
                .map(a -> "'" + a + "'").toList()) + " \"$@\"\n");
        Files.setPosixFilePermissions(program, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        try (StreamerProcess streamer = StreamerProcess.start(net, streamerNs, STREAMER_ADDRESS, dir, bin,
                "--camera", "rpicam", "--size", "1280x720", "--fps", "10")) {
            JsonNode r = ProbeRun.webrtc(net, viewerNs, streamer.url, 6, dir).result(60);

            assertThat(streamer.log()).contains("frame ends and sensor times from --metadata")
                    .doesNotContain("closed before its last bytes");
            java.util.TreeSet<Long> sensorTimes = new java.util.TreeSet<>();
            for (String line : Files.readAllLines(standInLog)) {
                sensorTimes.add(Long.parseLong(line.split(" ")[2]));
            }
            JsonNode times = r.path("frameTimes");
            assertThat(times.size()).as("%s", r).isGreaterThan(30);
            long worst = 0;
            for (int i = 20; i < times.size(); i++) { // past the replayed GOP
                long capture = times.get(i).get(0).asLong();
                Long below = sensorTimes.floor(capture);
                Long above = sensorTimes.ceiling(capture);
                long nearest = Math.min(below == null ? Long.MAX_VALUE : capture - below,
                        above == null ? Long.MAX_VALUE : above - capture);
                worst = Math.max(worst, nearest);
            }
            List<Long> held = sendMinusCaptureMicros(r, 20);
            System.out.println("stand-in Pi camera at 10 fps (sensor 25 ms before the write): sensor → last packet sent"
                    + " p50 " + percentile(held, 0.5) / 1000.0 + " ms, p95 " + percentile(held, 0.95) / 1000.0
                    + " ms; capture times within " + worst + " µs of the stand-in's sensor times");
            // the same instant mapped to the wall clock in two processes: a few ms apart on a loaded machine at most;
            // a capture time taken on arrival instead would be 25 ms or more after the sensor's
            assertThat(worst).as("each frame's capture time is its sensor time (µs apart at most)").isLessThan(12_000);
            assertThat(percentile(held, 0.5)).as("sensor → sent includes the 25 ms before the write, µs")
                    .isGreaterThanOrEqualTo(24_000);
            // waiting for the next frame's start would add a whole interval, 100 ms, to the 25 ms
            assertThat(percentile(held, 0.5)).as("sensor → sent, µs, p50: %s", held).isLessThan(75_000);
        }
    }

    /** The probe's truth series between two Unix times (ms): [render time, truth ms]. */
    static List<double[]> truthBetween(JsonNode probe, double fromMillis, double toMillis) {
        List<double[]> out = new java.util.ArrayList<>();
        for (JsonNode point : probe.path("truthSeries")) {
            double at = point.get(0).asDouble();
            if (at >= fromMillis && at < toMillis) {
                out.add(new double[]{at, point.get(1).asDouble()});
            }
        }
        return out;
    }

    static long cameraBitrate(String metrics) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^carsight_camera_bitrate_bps ([0-9]+)$").matcher(metrics);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /**
     * The car's side of the link carries 1 Mbit/s under a 1.5 Mbit/s stream (the emulated link: a second's queue, as a
     * radio link at the edge of its range or a full cell has): the streamer hears the receiver's estimate, skips
     * frames that waited past the budget and lowers the camera's bitrate, so the picture stays live instead of
     * falling seconds behind (without it: p50 1.4 s, p95 2.6 s); once the link carries 3 Mbit/s the camera's bitrate
     * climbs again.
     */
    @Test
    void onALinkNarrowerThanTheStreamTheLatencyStaysBoundedAndTheBitrateFollowsThePath() throws Exception {
        int wideAfter = 40; // seconds of the link's own clock at 1 Mbit/s, then 3 Mbit/s
        long linkStart = System.currentTimeMillis();
        net.emulatedLink(streamerNs, STREAMER_ADDRESS, viewerNs, VIEWER_ADDRESS,
                "steps=0:1mbit/" + wideAfter + ":3mbit,delay=20,queue=125000", "delay=20", dir.resolve("link.jsonl"));
        try (StreamerProcess streamer = StreamerProcess.start(net, streamerNs, STREAMER_ADDRESS, dir,
                "--camera", "test-pattern", "--size", "640x480", "--fps", "30", "--bitrate", "1500000")) {
            ProbeRun viewer = ProbeRun.webrtc(net, viewerNs, streamer.url, 120, dir);
            viewer.awaitFirstFrame(60);
            long narrowFrom = System.currentTimeMillis();
            long wideFrom = linkStart + wideAfter * 1000L;
            assertThat(wideFrom - narrowFrom).as("the narrow phase has begun in time to last 15 s").isGreaterThan(15_000);
            long lowest = Long.MAX_VALUE;
            while (System.currentTimeMillis() < wideFrom) { // the narrow phase, sampled
                lowest = Math.min(lowest, cameraBitrate(net.httpGet(viewerNs, STREAMER_ADDRESS, 8080, "/metrics")));
                Thread.sleep(500);
            }
            // more than the narrow link could carry
            try {
                org.awaitility.Awaitility.await("the camera's bitrate climbs above 1.1 Mbit/s on the wider link")
                        // the receiver's estimate climbs at its own pace (20–27 s here alone, over 60 s once in a
                        // whole fresh-clone run): a bound only a camera that never climbs back exceeds
                        .atMost(java.time.Duration.ofSeconds(180)).pollInterval(java.time.Duration.ofMillis(500))
                        .until(() -> cameraBitrate(net.httpGet(viewerNs, STREAMER_ADDRESS, 8080, "/metrics")) > 1_100_000);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                System.out.println("the camera did not climb; the streamer's log:\n" + streamer.log());
                throw e;
            }
            long climbed = System.currentTimeMillis() - wideFrom;
            java.util.regex.Matcher padding = java.util.regex.Pattern.compile("(?m)^carsight_padding_bytes_total ([0-9]+)$")
                    .matcher(net.httpGet(viewerNs, STREAMER_ADDRESS, 8080, "/metrics"));
            String padded = padding.find() ? Long.parseLong(padding.group(1)) / 1000 + " kB" : "not in /metrics";
            viewer.stop();
            String log = streamer.log();

            JsonNode r = viewer.result(60);
            // after the first 5 s (the join: the cached second of pictures, and the queue before the first estimate)
            List<double[]> narrow = truthBetween(r, narrowFrom + 5_000, wideFrom);
            List<Long> truth = narrow.stream().map(p -> Math.round(p[1])).toList();
            double narrowSeconds = (wideFrom - narrowFrom - 5_000) / 1000.0;
            System.out.println("1 Mbit/s link under a 1.5 Mbit/s stream: true latency p50 " + percentile(truth, 0.5)
                    + " ms, p95 " + percentile(truth, 0.95) + " ms, " + narrow.size() / narrowSeconds + " frames/s shown; camera "
                    + "bitrate down to " + lowest / 1000 + " kb/s, back above 1100 kb/s " + climbed
                    + " ms after the link went to 3 Mbit/s; padding sent " + padded + "\n" + String.join("\n",
                    log.lines().filter(l -> l.contains("camera: bitrate") || l.contains("link too narrow")
                            || l.contains("fresh frames")).toList()));
            assertThat(log).contains("camera: bitrate 1,500 → ");
            assertThat(narrow.size()).as("frames shown on the narrow link after the first 5 s (5 a second)")
                    .isGreaterThan((int) (5 * narrowSeconds));
            // the old behaviour: seconds behind (p95 2.6 s); bounded means within half a second
            assertThat(percentile(truth, 0.95)).as("true latency p95 on the narrow link, ms").isLessThan(500);
            assertThat(lowest).as("the camera's bitrate on the narrow link").isLessThan(1_000_000);
        }
    }

    @Test
    void thePiHardwareEncodersHighProfileRecordingReachesLibwebrtc() throws Exception {
        directLink();
        Path fixture = Path.of("src/test/resources/h264/pi-car-720p30-high.h264").toAbsolutePath();
        try (StreamerProcess streamer = StreamerProcess.start(net, streamerNs, STREAMER_ADDRESS, dir,
                "--camera", "file:" + fixture)) {
            JsonNode r = ProbeRun.webrtc(net, viewerNs, streamer.url, 5, dir).result(60);

            assertThat(r.path("width").asInt()).as("%s\n%s", r, streamer.log()).isEqualTo(1280);
            assertThat(r.path("framesRendered").asLong()).isGreaterThan(100);
            assertThat(streamer.log()).contains("640028").contains("answering");
        }
    }

    @Test
    void chromiumPullsOverWhepAndDecodes() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/chromium")) && Files.isExecutable(Path.of("/usr/bin/chromedriver")),
                "chromium and chromium-driver are needed (the README's test command installs them)");
        directLink();
        try (StreamerProcess streamer = StreamerProcess.start(net, streamerNs, STREAMER_ADDRESS, dir,
                "--camera", "test-pattern", "--size", "640x480")) {
            JsonNode r = ProbeRun.chromium(net, viewerNs, streamer.url, 5, dir).result(90);

            assertThat(r.path("pull").asText()).as("%s", r).isEqualTo("ok");
            assertThat(r.path("stats").path("framesDecoded").asLong()).as("%s", r).isGreaterThan(60);
            assertThat(r.path("stats").path("videoWidth").asInt()).isEqualTo(640);
            assertThat(r.path("stats").path("location").asText()).startsWith("/whep/");
        }
    }

    @Test
    void aViewerKilledAbruptlyDoesNotDisturbAnother() throws Exception {
        directLink();
        try (StreamerProcess streamer = StreamerProcess.start(net, streamerNs, STREAMER_ADDRESS, dir,
                "--camera", "test-pattern", "--size", "640x480")) {
            ProbeRun doomed = ProbeRun.webrtc(net, viewerNs, streamer.url, 30, dir);
            ProbeRun survivor = ProbeRun.webrtc(net, viewerNs, streamer.url, 10, dir);
            doomed.awaitFirstFrame(60);
            survivor.awaitFirstFrame(60);
            doomed.process.destroyForcibly(); // no bye, no DTLS close: the process is simply gone
            JsonNode r = survivor.result(60);

            long announced = r.path("framesAnnouncedSinceFirstFrame").asLong();
            assertThat(announced).isGreaterThan(200);
            assertThat(r.path("framesRendered").asLong()).as("%s", r).isGreaterThanOrEqualTo((long) (announced * 0.95));
            assertThat(streamer.alive()).isTrue();
        }
    }

    @Test
    void junkOnTheMediaPortChangesNothingForViewers() throws Exception {
        directLink();
        try (StreamerProcess streamer = StreamerProcess.start(net, streamerNs, STREAMER_ADDRESS, dir,
                "--camera", "test-pattern", "--size", "640x480")) {
            ProbeRun viewer = ProbeRun.webrtc(net, viewerNs, streamer.url, 10, dir);
            Path junkLog = dir.resolve("junk.log");
            Process junk = net.start(viewerNs, NetNamespaces.java(MediaPortJunk.class.getName(), streamer.url,
                    StreamerProcess.TOKEN, "8"), junkLog);
            JsonNode r = viewer.result(60);
            assertThat(junk.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

            assertThat(Files.readString(junkLog)).contains("junkSent");
            long announced = r.path("framesAnnouncedSinceFirstFrame").asLong();
            assertThat(announced).isGreaterThan(200);
            assertThat(r.path("framesRendered").asLong()).as("%s", r).isGreaterThanOrEqualTo((long) (announced * 0.95));
            assertThat(streamer.alive()).isTrue();
            assertThat(streamer.log()).doesNotContain("Exception in thread");
        }
    }

    @Test
    void withFivePercentLossNacksAreAnsweredAndNearlyAllFramesDecode() throws Exception {
        directLink();
        net.randomLoss(viewerNs, 5);
        try (StreamerProcess streamer = StreamerProcess.start(net, streamerNs, STREAMER_ADDRESS, dir,
                "--camera", "test-pattern", "--size", "640x480", "--bitrate", "1M")) {
            JsonNode r = ProbeRun.webrtc(net, viewerNs, streamer.url, 10, dir).result(60);

            long announced = r.path("framesAnnouncedSinceFirstFrame").asLong();
            assertThat(r.path("nackCount").asLong()).as("%s\n%s", r, streamer.log()).isPositive();
            assertThat(r.path("streamerRetransmissions").asLong()).as("%s", r).isPositive();
            assertThat(r.path("framesRendered").asLong()).as("%s", r).isGreaterThanOrEqualTo((long) (announced * 0.90));
        }
    }

    /**
     * Streamer (198.51.100.0/24) and viewer (203.0.113.0/24) on two networks joined by a router that passes TCP
     * (signaling) and drops forwarded UDP, with coturn on the router (198.51.100.254 / 203.0.113.254): the direct media
     * path is blocked, the relay is the only way through. {@code relayIp}: where coturn's relayed addresses are (the
     * side the relay sends from); {@code auth}: coturn's credential options.
     */
    Process relayBetweenTheNetworks(String relayIp, String... auth) throws Exception {
        String relayNs = net.create("cs-relay");
        net.link(streamerNs, STREAMER_ADDRESS + "/24", relayNs, "198.51.100.254/24");
        net.link(viewerNs, "203.0.113.2/24", relayNs, "203.0.113.254/24");
        net.route(streamerNs, "203.0.113.0/24", "198.51.100.254");
        net.route(viewerNs, "198.51.100.0/24", "203.0.113.254");
        net.routerForwardingTcpOnly(relayNs);
        List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/turnserver", "-n", "--listening-ip=198.51.100.254",
                "--listening-ip=203.0.113.254", "--relay-ip=" + relayIp, "--listening-port=3478",
                "--min-port=49152", "--max-port=49300"));
        command.addAll(List.of(auth));
        command.addAll(List.of("--realm=carsight.test", "--no-tls", "--no-dtls", "--no-cli", "--no-tcp-relay",
                "--log-file=stdout", "--simple-log", "--pidfile=" + dir.resolve("turn.pid")));
        Process turn = net.start(relayNs, command, dir.resolve("turn.log"));
        StreamerProcess.awaitLine(dir.resolve("turn.log"), "Total General servers", 15);
        return turn;
    }

    @Test
    void mediaFlowsThroughATurnRelayWhenTheDirectPathIsBlocked() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/turnserver")), "coturn is needed (the README's test command installs it)");
        Process turn = relayBetweenTheNetworks("198.51.100.254", "--lt-cred-mech", "--user=carsight:relay-secret");
        try (StreamerProcess streamer = StreamerProcess.start(net, streamerNs, STREAMER_ADDRESS, dir,
                "--camera", "test-pattern", "--size", "640x480")) {
            JsonNode r = ProbeRun.webrtc(net, viewerNs, streamer.url, 6, dir, "relay-only",
                    "turn:203.0.113.254:3478?transport=udp", "carsight", "relay-secret").result(60);

            assertThat(r.path("framesRendered").asLong()).as("%s\nTURN log:\n%s", r,
                    Files.readString(dir.resolve("turn.log"))).isGreaterThan(100);
            assertThat(streamer.log()).contains("relay");
        } finally {
            turn.destroyForcibly();
        }
    }

    @Test
    void viewersGetShortLivedTurnCredentialsFromTheStreamersSharedSecret() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/turnserver")), "coturn is needed (the README's test command installs it)");
        // as above, but coturn knows only a shared secret (use-auth-secret): the viewer has no TURN account of its
        // own and relays with the expiring credential the streamer hands it over /signal
        Process turn = relayBetweenTheNetworks("198.51.100.254", "--use-auth-secret",
                "--static-auth-secret=north-wind-42");
        try (StreamerProcess streamer = StreamerProcess.start(net, streamerNs, STREAMER_ADDRESS, dir,
                "--camera", "test-pattern", "--size", "640x480", "--ice-server", "turn:198.51.100.254:3478",
                "--turn-secret", "north-wind-42", "--turn-ttl", "600")) {
            JsonNode r = ProbeRun.webrtc(net, viewerNs, streamer.url, 6, dir, "relay-only", "from-streamer").result(60);

            String turnLog = Files.readString(dir.resolve("turn.log"));
            assertThat(r.path("framesRendered").asLong()).as("%s\nTURN log:\n%s", r, turnLog).isGreaterThan(100);
            assertThat(r.toString()).contains("ice server from the streamer: turn:198.51.100.254:3478 expires");
            long expires = Long.parseLong(r.toString().replaceAll(".*expires ([0-9]+).*", "$1"));
            assertThat(expires - System.currentTimeMillis() / 1000).as("the credential's lifetime").isBetween(500L, 600L);
            assertThat(streamer.log()).doesNotContain("north-wind-42");
        } finally {
            turn.destroyForcibly();
        }
    }

    @Test
    void whenOnlyTheCarHasARelayTheViewersMediaAndFeedbackComeBackThroughIt() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/turnserver")), "coturn is needed (the README's test command installs it)");
        // coturn relays from the viewers' network and the viewer knows no TURN server: the only pair that works is the
        // car's own relayed candidate with the viewer's host address, so everything the viewer sends (its DTLS
        // handshake, its RTCP) reaches the car through the car's TURN allocation
        Process turn = relayBetweenTheNetworks("203.0.113.254", "--use-auth-secret", "--static-auth-secret=north-wind-42");
        try (StreamerProcess streamer = StreamerProcess.start(net, streamerNs, STREAMER_ADDRESS, dir,
                "--camera", "test-pattern", "--size", "640x480", "--ice-server", "turn:198.51.100.254:3478",
                "--turn-secret", "north-wind-42")) {
            JsonNode r = ProbeRun.webrtc(net, viewerNs, streamer.url, 6, dir).result(60);

            assertThat(r.path("framesRendered").asLong()).as("%s\nTURN log:\n%s", r,
                    Files.readString(dir.resolve("turn.log"))).isGreaterThan(100);
            assertThat(streamer.log()).containsPattern("ICE CONNECTED via relay 203\\.0\\.113\\.254");
            assertThat(streamer.log()).contains("SRTP ready");
            assertThat(FaultsNetworkTest.metric(net.httpGet(viewerNs, STREAMER_ADDRESS, 8080, "/metrics"),
                    "carsight_estimates_received_total ([0-9]+)")).as("the viewer's RTCP, through the relay").isPositive();
        } finally {
            turn.destroyForcibly();
        }
    }
}
