package carsight.streamer.it;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Debian's headless Chromium, driven by chromedriver, pulling video from a streamer over WHEP — run as its own JVM
 * inside a test namespace (chromedriver listens on that namespace's loopback).
 *
 * <p>Arguments: {@code STREAMER_URL TOKEN SECONDS OUTPUT.json}. Writes {@code {"framesDecoded":N, ...}}.
 */
public final class ChromiumWhepProbe {

    private static final String PULL = BrowserTimecode.READER + """
            const [token, done] = [arguments[0], arguments[arguments.length - 1]];
            (async () => {
              window.carsightStart = performance.now();
              const pc = new RTCPeerConnection();
              pc.addTransceiver('video', {direction: 'recvonly'});
              const video = document.createElement('video');
              video.muted = true; video.autoplay = true; video.playsInline = true;
              document.body.appendChild(video);
              pc.ontrack = e => { video.srcObject = new MediaStream([e.track]); video.play().catch(() => {}); };
              await pc.setLocalDescription(await pc.createOffer());
              await new Promise(resolve => {
                if (pc.iceGatheringState === 'complete') return resolve();
                pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') resolve(); };
                setTimeout(resolve, 3000);
              });
              const response = await fetch('/whep', {method: 'POST',
                  headers: {'Content-Type': 'application/sdp', 'Authorization': 'Bearer ' + token},
                  body: pc.localDescription.sdp});
              if (response.status !== 201) { done('whep status ' + response.status + ': ' + await response.text()); return; }
              window.carsightLocation = response.headers.get('Location');
              await pc.setRemoteDescription({type: 'answer', sdp: await response.text()});
              window.carsightPc = pc; window.carsightVideo = video;
              // the truth: read each presented frame's timecode (test pattern) from the picture itself
              window.carsightTruth = []; window.carsightSeries = []; window.carsightFirstFrame = null;
              const onFrame = (now, meta) => {
                if (window.carsightFirstFrame === null) window.carsightFirstFrame = now - window.carsightStart;
                const truth = carsightTimecode(video, meta);
                if (truth !== null) {
                  window.carsightTruth.push(truth);
                  window.carsightSeries.push([Math.round(performance.timeOrigin + now), truth]);
                }
                video.requestVideoFrameCallback(onFrame);
              };
              video.requestVideoFrameCallback(onFrame);
              done('ok');
            })().catch(e => done('error: ' + e));
            """;

    private static final String STATS = """
            const done = arguments[arguments.length - 1];
            window.carsightPc.getStats().then(report => {
              const t = window.carsightTruth.slice(Math.min(30, window.carsightTruth.length)).sort((a, b) => a - b);
              const rank = q => t.length ? t[Math.max(0, Math.ceil(q * t.length) - 1)] : null;
              let result = {framesDecoded: 0, iceState: window.carsightPc.iceConnectionState,
                            videoWidth: window.carsightVideo.videoWidth, location: window.carsightLocation,
                            truthLatencyP50Ms: rank(0.5), truthLatencyP95Ms: rank(0.95), truthFrames: t.length,
                            firstFrameMs: window.carsightFirstFrame, truthSeries: window.carsightSeries};
              report.forEach(s => { if (s.type === 'inbound-rtp' && s.kind === 'video') {
                result.framesDecoded = s.framesDecoded || 0; result.nackCount = s.nackCount; result.pliCount = s.pliCount; } });
              done(JSON.stringify(result));
            }).catch(e => done(JSON.stringify({error: String(e)})));
            """;

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String token = args[1];
        int seconds = Integer.parseInt(args[2]);
        Path out = Path.of(args[3]);
        int code = 1;
        ChromeDriver driver = null;
        try {
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File("/usr/bin/chromedriver"))
                    .usingAnyFreePort()
                    .build();
            ChromeOptions options = new ChromeOptions();
            options.setBinary("/usr/bin/chromium");
            Path profile = Files.createTempDirectory("carsight-chromium");
            options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--user-data-dir=" + profile, "--autoplay-policy=no-user-gesture-required",
                    "--disable-features=WebRtcHideLocalIpsWithMdns", "--disable-dev-shm-usage");
            driver = new ChromeDriver(service, options);
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
            driver.get(base + "/");
            JavascriptExecutor js = driver;
            Object pulled = js.executeAsyncScript(PULL, token);
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
