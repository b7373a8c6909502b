package carsight.streamer.it;

import carsight.protocol.clock.WallClock;
import carsight.protocol.signal.SignalCodec;
import carsight.protocol.signal.SignalFormatException;
import carsight.protocol.signal.SignalMessage;
import carsight.streamer.http.StreamerApi;
import carsight.streamer.http.StreamerHttpServer;
import carsight.streamer.http.TokenCheck;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * libwebrtc as the sender, for comparisons on the same links: headless Chromium draws the road scene with the frame
 * timecode on a canvas and sends it ({@code reference-sender.html}: captureStream, a peer connection per viewer,
 * H.264 at most the camera's bitrate, libwebrtc's own pacer and congestion control with transport-wide feedback), and
 * this process gives it the streamer's front door — the same HTTP server, {@code POST /whep} and {@code /signal}
 * (hello, offer → answer, candidates, ping → pong) — so Chromium over WHEP and the console watch it exactly as they
 * watch the streamer. No {@code frame} messages: receivers take the truth from the timecode.
 *
 * <p>Arguments: {@code HOST:PORT WIDTHxHEIGHT FPS BITRATE_BPS SECONDS [STATS.json]}. Chromium runs with the field trial
 * that makes it send the playout-delay extension (0, 0), as the streamer does. Exits after SECONDS, writing the
 * sender's own statistics (bytes, frames encoded, libwebrtc's target bitrate per viewer) to STATS.json if given.
 */
public final class ReferenceSender implements StreamerApi {

    private static final System.Logger LOG = System.getLogger(ReferenceSender.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChromeDriver chromium;
    private final byte[] page;
    private final SignalCodec codec = new SignalCodec();
    /** WebDriver takes one script at a time. */
    private final ExecutorService driver = Executors.newSingleThreadExecutor();

    private ReferenceSender(ChromeDriver chromium, byte[] page) {
        this.chromium = chromium;
        this.page = page;
    }

    public static void main(String[] args) throws Exception {
        String[] listen = args[0].split(":");
        String[] size = args[1].split("x");
        String query = "?width=" + size[0] + "&height=" + size[1] + "&fps=" + args[2] + "&bitrate=" + args[3];
        int seconds = Integer.parseInt(args[4]);
        byte[] page;
        try (InputStream in = ReferenceSender.class.getResourceAsStream("reference-sender.html")) {
            page = in.readAllBytes();
        }
        // the camera consent only lets the page offer its own addresses (see the page); no camera is sent
        ChromeDriver chromium = HeadlessChromium.start("--force-fieldtrials=WebRTC-ForceSendPlayoutDelay/min_ms:0,max_ms:0/",
                "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream");
        int code = 1;
        try {
            chromium.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
            ReferenceSender sender = new ReferenceSender(chromium, page);
            try (StreamerHttpServer http = new StreamerHttpServer(listen[0], Integer.parseInt(listen[1]), sender,
                    TokenCheck.disabled())) {
                http.start();
                // the page from this namespace's loopback when listening on every address
                String pageHost = listen[0].equals("0.0.0.0") ? "127.0.0.1:" + listen[1] : args[0];
                chromium.get("http://" + pageHost + "/" + query);
                System.out.println("reference sender (libwebrtc, Chromium " + chromium.getCapabilities().getBrowserVersion()
                        + ") listening on " + args[0]);
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
                String stats = "{}";
                while (System.nanoTime() < end) {
                    Thread.sleep(1000);
                    stats = sender.script("return await window.carsightSenderStats();");
                    LOG.log(System.Logger.Level.INFO, "sender: {0}", stats);
                }
                if (args.length > 5) {
                    Files.writeString(Path.of(args[5]), stats);
                }
            }
            code = 0;
        } catch (Throwable t) {
            t.printStackTrace();
        } finally {
            chromium.quit();
        }
        System.exit(code);
    }

    /** Runs an async function body in the page (WebDriver's async script, one at a time); its result as text. */
    private String script(String body, Object... arguments) throws Exception {
        return driver.submit(() -> {
            JavascriptExecutor js = chromium;
            Object result = js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "(async () => { " + body + " })().then(r => done(String(r)), e => done('error: ' + e));", arguments);
            return String.valueOf(result);
        }).get(30, TimeUnit.SECONDS);
    }

    /** The viewer's offer answered by the page: the answer's SDP and the page's id for that peer connection. */
    private JsonNode answer(String offer, String existingPeer) throws Exception {
        String result = script("return await window.carsightAnswer(arguments[0], arguments[1]);", offer, existingPeer);
        if (result.startsWith("error: ")) {
            throw new IOException("the sender page could not answer: " + result.substring(7));
        }
        return JSON.readTree(result);
    }

    /** The answer's candidates, for the log. */
    private static String candidates(String sdp) {
        return sdp.lines().filter(l -> l.startsWith("a=candidate:")).map(l -> l.substring(12)).toList().toString();
    }

    @Override
    public String healthJson() {
        return "{\"camera\":\"libwebrtc reference sender\"}";
    }

    @Override
    public String metricsText() {
        return "";
    }

    @Override
    public byte[] viewerPage() {
        return page;
    }

    @Override
    public WhepResult whepOffer(String sdp, String remoteAddress) {
        try {
            JsonNode answer = answer(sdp, null);
            LOG.log(System.Logger.Level.INFO, "viewer {0} over WHEP: answered (peer {1}) with {2}", remoteAddress,
                    answer.path("id").asText(), candidates(answer.path("sdp").asText()));
            return WhepResult.created(answer.path("sdp").asText(), answer.path("id").asText());
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "viewer {0} over WHEP: {1}", remoteAddress, e.toString());
            return WhepResult.refused(500, e.getMessage());
        }
    }

    @Override
    public boolean whepDelete(String id) {
        try {
            return "true".equals(script("return window.carsightClose(arguments[0]);", id));
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public SignalPeer openSignal(SignalConnection connection, String remoteAddress) {
        connection.send(codec.encode(new SignalMessage.Hello(1, "streamer", null, "carsight-reference-sender")));
        return new SignalPeer() {
            private volatile String peerId;

            @Override
            public void onText(String text) {
                long received = WallClock.nowMicros();
                SignalMessage message;
                try {
                    message = codec.decode(text);
                } catch (SignalFormatException e) {
                    return;
                }
                if (message instanceof SignalMessage.Ping ping) {
                    connection.send(codec.encode(new SignalMessage.Pong(ping.id(), ping.clientTimeMicros(), received,
                            WallClock.nowMicros())));
                } else if (message instanceof SignalMessage.Offer offer) {
                    driverThreadAnswer(offer);
                } else if (message instanceof SignalMessage.Candidate c && peerId != null) {
                    try {
                        script("await window.carsightCandidate(arguments[0], arguments[1], arguments[2], arguments[3]);",
                                peerId, c.candidate(), c.sdpMid(), c.sdpMLineIndex());
                    } catch (Exception e) {
                        LOG.log(System.Logger.Level.DEBUG, "candidate: {0}", e.toString());
                    }
                }
            }

            private void driverThreadAnswer(SignalMessage.Offer offer) {
                try {
                    JsonNode answer = answer(offer.sdp(), peerId);
                    peerId = answer.path("id").asText();
                    connection.send(codec.encode(new SignalMessage.Answer(answer.path("sdp").asText())));
                    LOG.log(System.Logger.Level.INFO, "viewer {0} over /signal: answered (peer {1}) with {2}", remoteAddress,
                            peerId, candidates(answer.path("sdp").asText()));
                } catch (Exception e) {
                    LOG.log(System.Logger.Level.WARNING, "viewer {0} over /signal: {1}", remoteAddress, e.toString());
                    connection.send(codec.encode(new SignalMessage.ErrorMessage("internal", e.getMessage())));
                }
            }

            @Override
            public void onClose(String reason) {
                String id = peerId;
                if (id != null) {
                    whepDelete(id);
                }
            }
        };
    }
}
