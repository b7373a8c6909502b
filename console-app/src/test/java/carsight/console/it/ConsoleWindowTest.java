package carsight.console.it;

import carsight.streamer.it.StreamerProcess;
import carsight.streamer.testnet.NetNamespaces;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The three things an operator does, on the console's real window (JavaFX on an X server, Xvfb) driven from outside
 * with the keyboard and mouse (xdotool), against a real streamer in a network namespace: launch and see video, type
 * a speed and press Enter, reconnect, open the browser viewer. What the window shows is read from the window itself
 * ({@link WindowReader}: the overlay's text, the timecode in the picture as drawn).
 */
@Tag("netns")
class ConsoleWindowTest {

    static final String STREAMER = "198.51.100.1";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    NetNamespaces net;
    String streamerNs;
    String consoleNs;
    Process xvfb;
    String display;

    @BeforeEach
    void setUp() throws Exception {
        NetNamespaces.assumeAvailable();
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/Xvfb")) && Files.isExecutable(Path.of("/usr/bin/xdotool")),
                "Xvfb and xdotool are needed (the README's test command installs them)");
        int n = 90;
        while (Files.exists(Path.of("/tmp/.X11-unix/X" + n)) || Files.exists(Path.of("/tmp/.X" + n + "-lock"))) {
            n++;
        }
        display = ":" + n;
        xvfb = new ProcessBuilder("Xvfb", display, "-screen", "0", "1366x768x24", "-nolisten", "tcp")
                .redirectErrorStream(true).redirectOutput(dir.resolve("xvfb.log").toFile()).start();
        Path socket = Path.of("/tmp/.X11-unix/X" + n);
        await("Xvfb").atMost(Duration.ofSeconds(20)).until(() -> Files.exists(socket));
        net = new NetNamespaces();
        streamerNs = net.create("cs-w-streamer");
        consoleNs = net.create("cs-w-console");
        net.link(streamerNs, STREAMER + "/24", consoleNs, "198.51.100.2/24");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (net != null) {
            net.close();
        }
        if (xvfb != null) {
            xvfb.destroy();
            xvfb.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * The lines the reader has written so far, parsed. The file appears only once the console's window is up, and its
     * last line may be half written while it is read: both are "not yet", never an error.
     */
    List<JsonNode> readings(Path reader) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.exists(reader)) {
            return out;
        }
        for (String line : Files.readAllLines(reader)) {
            if (!line.startsWith("{\"at\"")) {
                continue;
            }
            try {
                out.add(JSON.readTree(line));
            } catch (JsonProcessingException halfWritten) {
                // the line being written right now: the next poll reads it whole
            }
        }
        return out;
    }

    /** The window as read four times a second: the newest line. */
    JsonNode window(Path reader) throws IOException {
        List<JsonNode> all = readings(reader);
        return all.isEmpty() ? JSON.createObjectNode() : all.get(all.size() - 1);
    }

    /** Timecodes read from the drawn picture after {@code sinceMillis}, distinct, in order. */
    List<Long> timecodesSince(Path reader, long sinceMillis) throws IOException {
        List<Long> out = new ArrayList<>();
        for (JsonNode w : readings(reader)) {
            if (w.path("at").asLong() > sinceMillis && w.path("timecode").isNumber()) {
                long t = w.path("timecode").asLong();
                if (out.isEmpty() || out.get(out.size() - 1) != t) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    void xdotool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("xdotool"));
        command.addAll(List.of(args));
        Process p = x(new ProcessBuilder(command)).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String said = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("xdotool %s", command).isTrue();
        assertThat(p.exitValue()).as("xdotool %s: %s", command, said).isZero();
    }

    ProcessBuilder x(ProcessBuilder builder) {
        builder.environment().put("DISPLAY", display);
        return builder;
    }

    /** The picture keeps moving: at least {@code seconds} of timecodes after {@code sinceMillis}, advancing. */
    void awaitMovingPicture(Path reader, long sinceMillis, int seconds, String what) {
        await(what).atMost(Duration.ofSeconds(seconds + 60)).pollInterval(Duration.ofMillis(250)).until(() -> {
            List<Long> t = timecodesSince(reader, sinceMillis);
            return t.size() > seconds * 3 && t.get(t.size() - 1) - t.get(0) >= seconds * 1_000_000L;
        });
    }

    @Test
    void launchTypeTheSpeedReconnectAndOpenTheBrowserOnTheRealWindow() throws Exception {
        // a stand-in browser: records what the console asked it to open
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path opened = dir.resolve("opened.txt");
        Files.writeString(bin.resolve("xdg-open"), "#!/bin/sh\necho \"$@\" >> '" + opened + "'\n");
        Files.setPosixFilePermissions(bin.resolve("xdg-open"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Path reader = dir.resolve("window.jsonl");
        try (StreamerProcess streamer = StreamerProcess.start(net, streamerNs, STREAMER, dir,
                "--camera", "test-pattern", "--size", "640x480", "--fps", "30")) {
            List<String> command = new ArrayList<>(List.of("env", "DISPLAY=" + display, "PATH=" + bin + ":" + System.getenv("PATH"),
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dcarsight.window-reader=" + reader, "-Djava.util.prefs.userRoot=" + dir.resolve("prefs"),
                    "-Dprism.order=sw", "-cp", System.getProperty("java.class.path"), WindowReader.class.getName(),
                    "--connect", streamer.url, "--token", StreamerProcess.TOKEN, "--speed", "50km/h"));
            Path log = dir.resolve("console.log");
            Process console = net.start(consoleNs, command, log);
            try {
                // 1. launch: video on the window, the keyboard on the video (not in the address field)
                awaitMovingPicture(reader, 0, 2, "video on the window");
                JsonNode first = window(reader);
                assertThat(first.path("focus").asText()).as("keyboard focus at start: %s", first).isEqualTo("video");
                assertThat(first.path("overlay").asText()).as("%s", first).contains("× 13.9 m/s");
                String id = x(new ProcessBuilder("xdotool", "search", "--sync", "--name", "carsight — operator console"))
                        .start().inputReader().readLine();
                assertThat(id).as("the console's window").isNotBlank();
                xdotool("windowfocus", "--sync", id);

                // 2. the speed: S, type, Enter → the overlay uses it at once, the link stays, the picture moves on
                xdotool("key", "s");
                await("S puts the keyboard in the speed field").atMost(Duration.ofSeconds(10))
                        .until(() -> window(reader).path("focus").asText().equals("speed"));
                xdotool("key", "ctrl+a");
                xdotool("type", "30");
                xdotool("key", "Return");
                long typedAt = System.currentTimeMillis();
                await("the overlay at 30 km/h").atMost(Duration.ofSeconds(10))
                        .until(() -> window(reader).path("overlay").asText().contains("× 8.3 m/s"));
                await("Enter gives the keys back to the window").atMost(Duration.ofSeconds(10))
                        .until(() -> window(reader).path("focus").asText().equals("video"));
                awaitMovingPicture(reader, typedAt, 10, "the picture keeps moving for 10 s after Enter");
                String afterSpeed = Files.readString(log);
                assertThat(afterSpeed.lines().filter(l -> l.contains("link: connecting")).count())
                        .as("Enter in the speed field did not reconnect:\n%s", afterSpeed).isEqualTo(1);

                // 3. a blackout (a tunnel): the picture freezes; the big number is how old the picture under it is and
                //    grows by itself, the banner says so at once, the overlay's metres follow; then the picture moves again
                net.dark(consoleNs);
                long darkAt = System.currentTimeMillis();
                List<JsonNode> frozen = new ArrayList<>();
                await("the window read through a 3 s blackout").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                        .until(() -> {
                            readings(reader).stream().filter(r -> r.path("at").asLong() > darkAt + 700)
                                    .filter(r -> !frozen.contains(r)).forEach(frozen::add);
                            return System.currentTimeMillis() > darkAt + 3_000;
                        });
                net.light(consoleNs);
                long lightAt = System.currentTimeMillis();
                List<JsonNode> read = frozen.stream().filter(r -> r.path("timecode").isNumber()
                        && r.path("at").asLong() <= lightAt && r.path("latency").asText().matches("\\d+ ms")).toList();
                assertThat(read).as("readings of the window during the blackout: %s", frozen).hasSizeGreaterThan(3);
                double lastAge = 0;
                for (JsonNode r : read) {
                    double shownAge = Double.parseDouble(r.path("latency").asText().replace(" ms", ""));
                    double pictureAge = r.path("at").asLong() - r.path("timecode").asLong() / 1000.0;
                    // never younger than the picture under it (less the pulse the number was set in)
                    assertThat(shownAge).as("the number against the picture under it: %s", r).isGreaterThanOrEqualTo(pictureAge - 50);
                    assertThat(r.path("stale").asText()).as("%s", r).startsWith("no new picture for");
                    Matcher m = Pattern.compile("(\\d+) ms × 8\\.3 m/s = (\\d+\\.\\d\\d) m").matcher(r.path("overlay").asText());
                    assertThat(m.find()).as("the overlay: %s", r).isTrue();
                    assertThat(Double.parseDouble(m.group(2))).as("%s", r).isGreaterThanOrEqualTo((pictureAge - 50) / 1000 * 8.33);
                    assertThat(shownAge).as("the number grows by itself: %s", read).isGreaterThanOrEqualTo(lastAge);
                    lastAge = shownAge;
                }
                assertThat(lastAge).as("%s", read).isGreaterThan(2_000);
                System.out.println("blackout: the window read " + read.stream().map(r -> r.path("latency").asText() + " / "
                        + r.path("stale").asText() + " / " + r.path("overlay").asText()).toList());
                awaitMovingPicture(reader, lightAt, 3, "the picture moves again after the blackout");
                await("the banner goes with the new pictures").atMost(Duration.ofSeconds(10))
                        .until(() -> window(reader).path("stale").asText().isEmpty());

                // 4. reconnect mid-stream with the Connect button → the picture moves again
                JsonNode w = window(reader);
                long connectsBefore = Files.readString(log).lines().filter(l -> l.contains("link: connecting")).count();
                long clickedAt = System.currentTimeMillis();
                xdotool("mousemove", "--sync", String.valueOf(w.path("connectX").asInt()),
                        String.valueOf(w.path("connectY").asInt()), "click", "1");
                await("Connect reconnects").atMost(Duration.ofSeconds(20)).until(() -> Files.readString(log).lines()
                        .filter(l -> l.contains("link: connecting")).count() == connectsBefore + 1);
                awaitMovingPicture(reader, clickedAt + 500, 5, "the picture moves again after the reconnect");

                // 5. a bad address typed in the top bar: said what a good one looks like, the link left alone; an
                //    edit clears the message; a click on the picture gives the keys back to the window
                w = window(reader);
                xdotool("mousemove", "--sync", String.valueOf(w.path("addressX").asInt()),
                        String.valueOf(w.path("addressY").asInt()), "click", "1");
                await("a click puts the keyboard in the address field").atMost(Duration.ofSeconds(10))
                        .until(() -> window(reader).path("focus").asText().equals("address"));
                xdotool("key", "ctrl+a");
                xdotool("type", "htp//car sight");
                xdotool("key", "Return");
                await("the address is explained").atMost(Duration.ofSeconds(10))
                        .until(() -> window(reader).path("addressError").asText().contains("looks like http://"));
                xdotool("type", "x");
                await("an edit clears the message").atMost(Duration.ofSeconds(10))
                        .until(() -> window(reader).path("addressError").asText().isEmpty());
                w = window(reader);
                xdotool("mousemove", "--sync", String.valueOf(w.path("videoX").asInt()),
                        String.valueOf(w.path("videoY").asInt()), "click", "1");
                await("a click on the picture gives the keys back").atMost(Duration.ofSeconds(10))
                        .until(() -> window(reader).path("focus").asText().equals("video"));
                assertThat(Files.readString(log).lines().filter(l -> l.contains("link: connecting")).count())
                        .as("a bad address leaves the link be").isEqualTo(connectsBefore + 1);

                // 6. B: the browser viewer of the streamer on screen (not the half-typed address), with the token, and
                //    its address shown in the panel
                xdotool("key", "b");
                await("the stand-in browser was asked").atMost(Duration.ofSeconds(20)).until(() -> Files.exists(opened));
                assertThat(Files.readString(opened).strip()).isEqualTo(streamer.url + "/#token=" + StreamerProcess.TOKEN);
                await("the panel shows the address").atMost(Duration.ofSeconds(10)).until(() ->
                        window(reader).path("browserPanel").asBoolean()
                                && window(reader).path("browserUrl").asText().contains("#token="));

                List<Long> all = timecodesSince(reader, 0);
                System.out.println("console window: " + all.size() + " distinct pictures read off the window; speed "
                        + "typed, Connect clicked, B pressed; link lines:\n" + String.join("\n",
                        Files.readString(log).lines().filter(l -> l.contains("link:") || l.contains("browser")).toList()));
            } finally {
                Path shot = dir.resolve("window.png");
                x(new ProcessBuilder("import", "-window", "root", shot.toString())).start().waitFor(20, TimeUnit.SECONDS);
                if (Files.exists(shot)) {
                    Files.copy(shot, Path.of("target", "console-window.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                console.destroy();
                console.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
