package carsight.streamer.it;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Debian's headless Chromium driven by chromedriver, as every browser probe runs it (each probe is its own JVM inside
 * a test namespace; chromedriver listens on that namespace's loopback), and the one way the latency probes report.
 */
final class HeadlessChromium {

    /**
     * A latency probe's summary, from what its pull script left on {@code window}: {@code carsightPc} (optional),
     * {@code carsightVideo}, the truth recorded by {@code carsightRecordTruth}, and {@code carsightMeterError}
     * (|a meter − truth| per frame, optional), with capture → arrival where the browser gives a frame's receive time.
     * The first 30 frames (start-up) are left out of the percentiles — the first half when fewer than 60 were measured,
     * as when a browser that started late under load has only seconds of a short run. With a peer connection, its inbound video's mean
     * jitter-buffer time and decode time per frame come along.
     */
    private static final String STATS = """
            const done = arguments[arguments.length - 1];
            const rank = (a, q) => a.length ? a[Math.max(0, Math.ceil(q * a.length) - 1)] : null;
            const settled = a => (a || []).slice(Math.min(30, Math.floor((a || []).length / 2))).sort((x, y) => x - y);
            const pc = window.carsightPc, video = window.carsightVideo;
            (pc ? pc.getStats() : Promise.resolve(new Map())).then(report => {
              const t = settled(window.carsightTruth), m = settled(window.carsightMeterError);
              const a = settled(window.carsightArrival);
              let result = {framesDecoded: video.getVideoPlaybackQuality().totalVideoFrames,
                            iceState: pc ? pc.iceConnectionState : null,
                            videoWidth: video.videoWidth, location: window.carsightLocation || null,
                            truthLatencyP50Ms: rank(t, 0.5), truthLatencyP95Ms: rank(t, 0.95), truthFrames: t.length,
                            arrivalP50Ms: rank(a, 0.5), arrivalP95Ms: rank(a, 0.95),
                            firstFrameMs: window.carsightFirstFrame, truthSeries: window.carsightSeries};
              if (window.carsightMeterError) {
                Object.assign(result, {meterErrorP50Ms: rank(m, 0.5), meterErrorP95Ms: rank(m, 0.95), meterFrames: m.length});
              }
              report.forEach(s => { if (s.type === 'inbound-rtp' && s.kind === 'video') {
                result.framesDecoded = s.framesDecoded || 0; result.nackCount = s.nackCount; result.pliCount = s.pliCount;
                result.jitterBufferMs = s.jitterBufferEmittedCount ? 1000 * s.jitterBufferDelay / s.jitterBufferEmittedCount : null;
                result.decodeMs = s.framesDecoded ? 1000 * s.totalDecodeTime / s.framesDecoded : null; } });
              done(JSON.stringify(result));
            }).catch(e => done(JSON.stringify({error: String(e)})));
            """;

    /** What the WebRTC pull scripts share: a playing {@code <video>} for a peer connection, and waiting for ICE gathering. */
    private static final String PULL_HELPERS = """
            const carsightVideoFor = pc => {
              const video = document.createElement('video');
              video.muted = true; video.autoplay = true; video.playsInline = true;
              document.body.appendChild(video);
              pc.ontrack = e => { video.srcObject = new MediaStream([e.track]); video.play().catch(() => {}); };
              return video;
            };
            const carsightGathered = pc => new Promise(resolve => {
              if (pc.iceGatheringState === 'complete') return resolve();
              pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') resolve(); };
              setTimeout(resolve, 3000);
            });
            """;

    private HeadlessChromium() {
    }

    /**
     * Starts Chromium with the project's flags (see DESIGN.md) and a fresh profile, plus {@code extraArguments}. The
     * profile's directory is removed when the JVM exits.
     */
    static ChromeDriver start(String... extraArguments) throws IOException {
        Path profile = Files.createTempDirectory("carsight-chromium");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> removeTree(profile), "remove-chromium-profile"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile,
                "--autoplay-policy=no-user-gesture-required", "--disable-features=WebRtcHideLocalIpsWithMdns",
                "--disable-dev-shm-usage");
        options.addArguments(extraArguments);
        return new ChromeDriver(service, options);
    }

    private static void removeTree(Path root) {
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a profile left in the temporary directory is only untidy
        }
    }

    /**
     * Opens {@code page}, runs {@code pull} (an async script that starts the video, calls {@code carsightRecordTruth}
     * and answers {@code 'ok'} or what went wrong; it may use {@code carsightVideoFor(pc)} and
     * {@code carsightGathered(pc)}), watches for {@code seconds}, then writes
     * {@code {"pull":"ok","stats":{…}}} to {@code out} and exits the JVM (0 once the file is written).
     */
    static void watchAndReport(String page, String pull, Object[] pullArguments, int seconds, Path out) {
        int code = 1;
        ChromeDriver driver = null;
        try {
            driver = start();
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
            driver.get(page);
            JavascriptExecutor js = driver;
            Object pulled = js.executeAsyncScript(BrowserTimecode.READER + PULL_HELPERS + pull, pullArguments);
            String stats = "{}";
            if ("ok".equals(pulled)) {
                long end = System.nanoTime() + seconds * 1_000_000_000L;
                while (System.nanoTime() < end) {
                    Thread.sleep(500);
                }
                stats = String.valueOf(js.executeAsyncScript(STATS));
            }
            String json = "{\"pull\":\"" + String.valueOf(pulled).replace("\"", "'") + "\",\"stats\":" + stats + "}";
            Files.writeString(out, json);
            System.out.println(json);
            code = 0;
        } catch (Throwable t) {
            t.printStackTrace();
        } finally {
            if (driver != null) {
                driver.quit();
            }
        }
        System.exit(code);
    }
}
