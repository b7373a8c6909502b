package carsight.streamer.it;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Headless Chromium on the streamer's own page ({@code GET /}), run as its own JVM in a test namespace. Phases: a
 * wrong token; the right token (video, speed typing, latency vs the timecode read from the picture); then it writes
 * {@code OUTPUT.json.restart-now}, the test restarts the streamer, and the page must come back by itself.
 * Arguments: {@code STREAMER_URL TOKEN OUTPUT.json [address-change]}. With {@code address-change} it only plays,
 * writes {@code OUTPUT.json.change-now} for the test to change the streamer's address, and records how the page gets
 * its video back.
 */
public final class ViewerPageProbe {

    /** Reads the timecode of each presented frame from a canvas, beside the page's own per-frame latency. */
    private static final String TRUTH = BrowserTimecode.READER + """
            carsightRecordTruth(document.getElementById('video'));
            """;

    private static final String SUMMARY = """
            const v = document.getElementById('video');
            const p50 = a => { const s = a.slice().sort((x, y) => x - y); return s.length ? s[Math.max(0, Math.ceil(s.length / 2) - 1)] : null; };
            const page = (window.carsight ? window.carsight.history : []).slice(30).map(h => h[1]);
            const truth = (window.carsightTruth || []).slice(30);
            return JSON.stringify({videoWidth: v.videoWidth, frames: v.getVideoPlaybackQuality().totalVideoFrames,
              status: document.querySelector('[data-testid=status]').textContent,
              distance: document.querySelector('[data-testid=distance]').textContent,
              latency: document.querySelector('[data-testid=latency]').textContent,
              pageP50: p50(page), truthP50: p50(truth), pageSamples: page.length, truthSamples: truth.length, log: window.carsightLog || []});
            """;

    /** What the page shows now, and how old the picture under it is by its own timecode (null when unreadable). */
    private static final String FROZEN = BrowserTimecode.READER + """
            const v = document.getElementById('video');
            const now = performance.now();
            const capture = carsightCaptureMicros(v, {expectedDisplayTime: now});
            return JSON.stringify({latency: document.querySelector('[data-testid=latency]').textContent,
              stale: document.querySelector('[data-testid=stale]').textContent,
              distance: document.querySelector('[data-testid=distance]').textContent,
              pictureAgeMs: capture === null ? null : carsightMillisSince(capture, now)});
            """;

    private static final String STATUS = "document.querySelector('[data-testid=status]').textContent";
    private static final String FRAMES = "document.getElementById('video').getVideoPlaybackQuality().totalVideoFrames";

    /** Polls {@code condition} (a script returning a boolean) until it holds; fails naming {@code what} after the time. */
    static void waitFor(JavascriptExecutor js, String what, int seconds, String condition) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!Boolean.TRUE.equals(js.executeScript(condition))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("waited " + seconds + " s for " + what + "; the page says: "
                        + js.executeScript(SUMMARY));
            }
            Thread.sleep(100);
        }
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String token = args[1];
        Path out = Path.of(args[2]);
        StringBuilder json = new StringBuilder("{");
        ChromeDriver driver = null;
        int code = 1;
        try {
            driver = HeadlessChromium.start("--window-size=1280,800");
            if (args.length > 3 && args[3].equals("address-change")) {
                addressChange(driver, base, token, out, json);
            } else {
                restartPhases(driver, base, token, out, json);
            }
            code = 0;
        } catch (Throwable t) {
            t.printStackTrace();
            json.append(json.length() > 1 ? "," : "").append("\"failure\":\"").append(String.valueOf(t).replace("\"", "'")).append('"');
        } finally {
            if (driver != null) {
                driver.quit();
            }
            Files.writeString(out, json.append('}').toString());
        }
        System.exit(code);
    }

    /** Wrong token; right token, speed and latency against the truth; then the streamer restarts under the page. */
    private static void restartPhases(ChromeDriver driver, String base, String token, Path out, StringBuilder json)
            throws Exception {
        JavascriptExecutor js = driver;
        // phase 1: a wrong token
        driver.get(base + "/?wrong#token=not-the-token");
        waitFor(js, "the page to say the token is wrong", 30, "return " + STATUS + ".includes('wrong token')");
        json.append("\"wrongToken\":").append(js.executeScript(SUMMARY));

        // phase 2: the right token; type the speed; compare latency with the picture's timecode
        driver.get(base + "/?right#token=" + token);
        js.executeScript(TRUTH);
        waitFor(js, "video with a latency reading", 60, "return " + STATUS + " === 'live' && " + FRAMES + " > 30");
        WebElement speed = driver.findElement(By.cssSelector("[data-testid=speed]"));
        speed.clear();
        speed.sendKeys("50");
        waitFor(js, "the distance at the typed speed", 20,
                "return document.querySelector('[data-testid=distance]').textContent.includes('× 13.9 m/s')");
        json.append(",\"afterSpeed\":").append(js.executeScript(SUMMARY));
        long framesAfterSpeed = ((Number) js.executeScript("return " + FRAMES)).longValue();
        waitFor(js, "130 frames with a timecode read", 90, "return (window.carsightTruth || []).length > 130 && "
                + FRAMES + " > " + framesAfterSpeed);
        json.append(",\"playing\":").append(js.executeScript(SUMMARY));
        Files.write(Path.of(out + ".png"), driver.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));

        // phase 3: tell the test to restart the streamer; watch the page lose the link and get it back by itself
        Files.writeString(Path.of(out + ".restart-now"), "go");
        String status = "live";
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (status.equals("live") && System.nanoTime() < deadline) {
            Thread.sleep(200);
            status = String.valueOf(js.executeScript("return document.querySelector('[data-testid=status]').textContent"));
        }
        json.append(",\"duringOutage\":").append(js.executeScript(SUMMARY));
        // the picture frozen on the page: four readings of the big number, the banner, and the picture under them
        json.append(",\"frozen\":[");
        for (int i = 0; i < 4; i++) {
            Thread.sleep(300);
            json.append(i == 0 ? "" : ",").append(js.executeScript(FROZEN));
        }
        json.append("]");
        deadline = System.nanoTime() + 45_000_000_000L;
        while (!status.equals("live") && System.nanoTime() < deadline) {
            Thread.sleep(100);
            status = String.valueOf(js.executeScript("return document.querySelector('[data-testid=status]').textContent"));
        }
        json.append(",\"liveAgainAtMs\":").append(status.equals("live") ? System.currentTimeMillis() : -1);
        long framesLiveAgain = ((Number) js.executeScript("return " + FRAMES)).longValue();
        waitFor(js, "frames after the page was live again", 30, "return " + FRAMES + " > " + (framesLiveAgain + 30));
        json.append(",\"afterRestart\":").append(js.executeScript(SUMMARY));
    }

    /** Plays; has the test change the streamer's address; waits for frames to come again (20 s at most). */
    private static void addressChange(ChromeDriver driver, String base, String token, Path out, StringBuilder json)
            throws Exception {
        JavascriptExecutor js = driver;
        driver.get(base + "/#token=" + token);
        waitFor(js, "video", 60, "return " + STATUS + " === 'live' && " + FRAMES + " > 60");
        json.append("\"before\":").append(js.executeScript(SUMMARY));
        long framesBefore = ((Number) js.executeScript("return document.getElementById('video')"
                + ".getVideoPlaybackQuality().totalVideoFrames")).longValue();
        Files.writeString(Path.of(out + ".change-now"), "go");
        long changedAt = System.currentTimeMillis();
        long deadline = System.nanoTime() + 20_000_000_000L;
        long backAt = -1;
        long frames = framesBefore;
        while (System.nanoTime() < deadline) {
            Thread.sleep(50);
            long now = ((Number) js.executeScript("return document.getElementById('video')"
                    + ".getVideoPlaybackQuality().totalVideoFrames")).longValue();
            // a few frames in flight at the change may still land: video is back once frames flow after a gap
            if (backAt < 0 && now > frames && System.currentTimeMillis() - changedAt > 1_000) {
                backAt = System.currentTimeMillis();
            }
            frames = now;
            if (backAt > 0 && System.currentTimeMillis() - backAt > 3_000) {
                break;
            }
        }
        json.append(",\"videoBackAfterMs\":").append(backAt < 0 ? -1 : backAt - changedAt);
        json.append(",\"after\":").append(js.executeScript(SUMMARY));
    }
}
