package carsight.streamer.it;

import carsight.streamer.testnet.NetNamespaces;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Faults a car meets on the road, against the real streamer and libwebrtc viewers in test namespaces. */
@Tag("netns")
class FaultsNetworkTest {

    static final String STREAMER_ADDRESS = "198.51.100.1";

    @TempDir
    Path dir;
    NetNamespaces net;
    String streamerNs;
    String viewerNs;

    @BeforeEach
    void network() throws Exception {
        NetNamespaces.assumeAvailable();
        net = new NetNamespaces();
        streamerNs = net.create("cs-fault-s");
        viewerNs = net.create("cs-fault-v");
        net.link(streamerNs, STREAMER_ADDRESS + "/24", viewerNs, "198.51.100.2/24");
    }

    @AfterEach
    void teardown() {
        if (net != null) {
            net.close();
        }
    }

    /**
     * A camera program of the test's own in place of the Pi's rpicam-vid (there is no camera here): it takes the same
     * options and writes real H.264 from x264 to {@code -o}, as rpicam-vid does; it writes no metadata records, as
     * libcamera-vid before 1.0 did not.
     */
    Path cameraProgram() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path program = bin.resolve("rpicam-vid");
        Files.writeString(program, """
                #!/bin/sh
                w=640; h=480; fps=30; gop=30; out=-
                while [ $# -gt 0 ]; do
                  case "$1" in
                    --width) w=$2; shift ;;
                    --height) h=$2; shift ;;
                    --framerate) fps=$2; shift ;;
                    --intra) gop=$2; shift ;;
                    -o) out=$2; shift ;;
                  esac
                  shift
                done
                [ "$out" = - ] || exec >"$out"
                exec ffmpeg -hide_banner -loglevel error -re -f lavfi -i "testsrc2=size=${w}x${h}:rate=${fps}" \\
                  -c:v libx264 -preset ultrafast -tune zerolatency -profile:v baseline -g "$gop" \\
                  -x264-params repeat-headers=1 -f h264 -
                """);
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    @Test
    void whenTheCameraProgramDiesItIsRestartedAndViewersKeepWatching() throws Exception {
        try (StreamerProcess streamer = StreamerProcess.start(net, streamerNs, STREAMER_ADDRESS, dir, cameraProgram(),
                "--camera", "rpicam", "--size", "640x480", "--fps", "30")) {
            ProbeRun viewer = ProbeRun.webrtc(net, viewerNs, streamer.url, 14, dir);
            viewer.awaitFirstFrame(60);
            // the camera program the streamer started for this test, by the process id its log gives
            Matcher started = Pattern.compile("camera: started .* \\(pid ([0-9]+)\\)").matcher(streamer.log());
            assertThat(started.find()).as("the streamer started the camera program:\n%s", streamer.log()).isTrue();
            String streamerLog = streamer.log();
            ProcessHandle camera = ProcessHandle.of(Long.parseLong(started.group(1))).orElseThrow(
                    () -> new AssertionError("the camera program is not running:\n" + streamerLog));
            assertThat(camera.destroyForcibly()).as("SIGKILL sent to the camera program").isTrue();
            long framesBeforeKill = metric(metrics(), "carsight_frames_in_total ([0-9]+)");
            JsonNode r = viewer.result(90);

            System.out.println("camera killed: longest gap between rendered frames " + r.path("longestGapMs") + " ms, "
                    + r.path("framesRendered") + " frames rendered");
            assertThat(streamer.log()).contains("exited").contains("restarting");
            assertThat(metric(metrics(), "carsight_frames_in_total ([0-9]+)")).as("frames from the restarted camera")
                    .isGreaterThan(framesBeforeKill + 30);
            assertThat(r.path("framesRendered").asLong()).as("%s", r).isGreaterThan(100);
            assertThat(r.path("longestGapMs").asLong()).as("the picture stopped while the camera was down: %s", r)
                    .isPositive();
            awaitNoViewers();
        }
    }

    @Test
    void tenViewersComingAndGoingForAMinuteLeaveNoSessionBehind() throws Exception {
        try (StreamerProcess streamer = StreamerProcess.start(net, streamerNs, STREAMER_ADDRESS, dir,
                "--camera", "test-pattern", "--size", "640x480", "--fps", "30", "--max-viewers", "10")) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            List<Thread> loops = new ArrayList<>();
            List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.concurrent.atomic.AtomicInteger sessions = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger watched = new java.util.concurrent.atomic.AtomicInteger();
            for (int i = 0; i < 10; i++) {
                Thread loop = new Thread(() -> {
                    while (System.nanoTime() < end) { // bounded: each round is one short viewer
                        try {
                            JsonNode r = ProbeRun.webrtc(net, viewerNs, streamer.url, 3, dir).result(90);
                            sessions.incrementAndGet();
                            if (r.path("framesRendered").asLong() > 0) {
                                watched.incrementAndGet();
                            }
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    }
                }, "viewer-loop-" + i);
                loop.start();
                loops.add(loop);
            }
            long framesBefore = metric(metrics(), "carsight_frames_in_total ([0-9]+)");
            List<Long> frameSamples = new ArrayList<>();
            while (System.nanoTime() < end) {
                Thread.sleep(5_000);
                frameSamples.add(metric(metrics(), "carsight_frames_in_total ([0-9]+)"));
            }
            for (Thread loop : loops) {
                loop.join(120_000);
            }
            System.out.println("churn: " + sessions.get() + " viewer sessions in 30 s by 10 loops, " + watched.get()
                    + " saw video; frames in every 5 s: " + frameSamples);
            assertThat(failures).isEmpty();
            assertThat(sessions.get()).as("viewer sessions in the half minute, one loop after another").isGreaterThanOrEqualTo(10);
            assertThat(watched.get()).as("sessions that saw video, of %d", sessions.get())
                    .isGreaterThanOrEqualTo(sessions.get() * 9 / 10);
            long previous = framesBefore;
            for (long sample : frameSamples) {
                assertThat(sample).as("the camera keeps producing frames every 5 s: %s", frameSamples).isGreaterThan(previous);
                previous = sample;
            }
            // every viewer said bye or went silent; none may stay registered
            awaitNoViewers();
            assertThat(streamer.alive()).isTrue();
        }
    }

    /**
     * Until /healthz counts no viewer: a viewer that is gone leaves the streamer when its socket closes or, at the
     * latest, when ICE consent ends (8 s).
     */
    void awaitNoViewers() {
        org.awaitility.Awaitility.await("no viewers left in /healthz").atMost(java.time.Duration.ofSeconds(60))
                .pollInterval(java.time.Duration.ofMillis(500))
                .until(() -> metric(healthz(), "\"viewers\":([0-9]+)") == 0);
    }

    /** From the viewers' namespace: the streamer is not reachable from the test's own. */
    String healthz() throws IOException {
        return net.httpGet(viewerNs, STREAMER_ADDRESS, 8080, "/healthz");
    }

    String metrics() throws IOException {
        return net.httpGet(viewerNs, STREAMER_ADDRESS, 8080, "/metrics");
    }

    static long metric(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new AssertionError("no " + regex + " in:\n" + text);
        }
        return Long.parseLong(m.group(1));
    }
}
