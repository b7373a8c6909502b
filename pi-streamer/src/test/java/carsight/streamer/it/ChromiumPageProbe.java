package carsight.streamer.it;

import java.nio.file.Path;

/**
 * Headless Chromium on the streamer's own page ({@code GET /}), the page's latency meter held against the truth frame
 * by frame: for every presented frame the true latency is read from the picture, and when the page's meter
 * ({@code window.carsight.history}) took a value for that same frame, |meter − truth| is kept. The page's
 * {@code requestVideoFrameCallback} was registered before ours, so for each frame it runs first.
 *
 * <p>Arguments: {@code STREAMER_URL TOKEN SECONDS OUTPUT.json}. Writes what {@link ChromiumWhepProbe} writes, plus
 * {@code meterErrorP50Ms}, {@code meterErrorP95Ms} and {@code meterFrames} in {@code stats}.
 */
public final class ChromiumPageProbe {

    private static final String PULL = """
            const done = arguments[arguments.length - 1];
            const video = document.getElementById('video');
            window.carsightVideo = video;
            window.carsightMeterError = [];
            let counted = null;
            carsightRecordTruth(video, truth => {
              const history = window.carsight ? window.carsight.history : [];
              const latest = history.length ? history[history.length - 1] : null;
              if (latest === null || latest === counted) return; // the page took no value for this frame
              counted = latest;
              if (truth !== null) window.carsightMeterError.push(Math.abs(latest[1] - truth));
            });
            done('ok');
            """;

    private ChromiumPageProbe() {
    }

    public static void main(String[] args) {
        HeadlessChromium.watchAndReport(args[0] + "/#token=" + args[1], PULL, new Object[0], Integer.parseInt(args[2]),
                Path.of(args[3]));
    }
}
