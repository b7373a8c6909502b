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

    private static final String PULL = """
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
              const crc8 = v => { let c = 0; for (let s = 40; s >= 0; s -= 8) { c ^= Number((v >> BigInt(s)) & 0xffn);
                  for (let b = 0; b < 8; b++) c = (c & 0x80) ? ((c << 1) ^ 7) & 0xff : (c << 1) & 0xff; } return c; };
              const canvas = document.createElement('canvas');
              const ctx = canvas.getContext('2d', {willReadFrequently: true});
              window.carsightTruth = []; window.carsightSeries = []; window.carsightFirstFrame = null;
              const onFrame = (now, meta) => {
                if (window.carsightFirstFrame === null) window.carsightFirstFrame = now - window.carsightStart;
                const w = video.videoWidth, cell = Math.floor(w / 64);
                if (cell >= 1) {
                  canvas.width = w; canvas.height = cell;
                  ctx.drawImage(video, 0, 0, w, cell, 0, 0, w, cell);
                  const px = ctx.getImageData(0, 0, w, cell).data;
                  let word = 0n;
                  for (let i = 0; i < 64; i++) {
                    const o = ((cell >> 1) * w + i * cell + (cell >> 1)) * 4;
                    word = (word << 1n) | ((299 * px[o] + 587 * px[o + 1] + 114 * px[o + 2]) / 1000 >= 128 ? 1n : 0n);
                  }
                  const time = (word >> 12n) & ((1n << 48n) - 1n);
                  if ((word >> 60n) === 10n && crc8(time) === Number((word >> 4n) & 0xffn)) {
                    const shown = BigInt(Math.round((performance.timeOrigin + meta.expectedDisplayTime) * 1000));
                    let capture = (shown & ~((1n << 48n) - 1n)) | time;
                    if (capture > shown + (1n << 47n)) capture -= (1n << 48n);
                    window.carsightTruth.push(Number(shown - capture) / 1000); window.carsightSeries.push([Math.round(performance.timeOrigin + now), Number(shown - capture) / 1000]);
                  }
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
