package carsight.packaging;

import carsight.streamer.testnet.NetNamespaces;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** The console's jpackage .deb: its metadata, its trimmed runtime, and the installed launcher actually running. */
class ConsolePackageIT {

    private static final String HOME = "opt/carsight-console";

    private static Deb deb;
    private static Path root;

    @TempDir
    static Path work;

    @BeforeAll
    static void unpack() throws IOException {
        String arch = Deb.run(List.of("dpkg", "--print-architecture")).strip();
        deb = Deb.built("carsight-console_" + Deb.version() + "_" + arch + ".deb");
        root = deb.unpack(work.resolve("root"));
    }

    @Test
    void controlFieldsNameTheDesktopLibraries() throws IOException {
        assertThat(deb.field("Package")).isEqualTo("carsight-console");
        assertThat(deb.field("Version")).isEqualTo(Deb.version());
        assertThat(deb.field("Architecture")).isEqualTo(Deb.run(List.of("dpkg", "--print-architecture")).strip());
        List<String> depends = List.of(deb.field("Depends").split("\\s*,\\s*"));
        assertThat(depends).contains("libpulse0", "libgtk-3-0", "libc6");
        assertThat(deb.field("Recommends")).contains("xdg-utils");
        assertThat(deb.field("Description")).startsWith("carsight operator console");
    }

    @Test
    void theRuntimeIsTrimmed() throws IOException {
        String release = Files.readString(root.resolve(HOME + "/lib/runtime/release"));
        String modules = release.lines().filter(l -> l.startsWith("MODULES=")).findFirst().orElseThrow();
        assertThat(modules).contains("java.base", "java.desktop", "java.net.http", "jdk.unsupported")
                .doesNotContain("jdk.compiler", "jdk.jshell", "java.corba", "jdk.javadoc");
        assertThat(root.resolve(HOME + "/lib/runtime/bin/javac")).doesNotExist();
        assertThat(root.resolve(HOME + "/lib/runtime/lib/src.zip")).doesNotExist();
        assertThat(root.resolve(HOME + "/lib/runtime/include")).doesNotExist();
    }

    @Test
    void itOwnsItsMenuEntryIconAndCommandAndNeedsNoMaintainerScripts() throws IOException {
        Path desktop = root.resolve("usr/share/applications/carsight-console.desktop");
        Map<String, String> entry = new LinkedHashMap<>();
        for (String line : Files.readAllLines(desktop)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                entry.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        assertThat(entry).containsEntry("Type", "Application").containsEntry("Name", "carsight console")
                .containsEntry("Terminal", "false").containsEntry("Exec", "carsight-console")
                .containsEntry("Icon", "carsight-console");
        assertThat(root.resolve("usr/share/icons/hicolor/256x256/apps/carsight-console.png")).isRegularFile();
        Path command = root.resolve("usr/bin/carsight-console");
        assertThat(Files.isSymbolicLink(command)).isTrue();
        assertThat(Files.readSymbolicLink(command).toString()).isEqualTo("/" + HOME + "/bin/carsight-console");
        assertThat(root.resolve(HOME + "/bin/carsight-console")).isExecutable();
        if (Deb.onPath("desktop-file-validate")) {
            assertThat(Deb.run(List.of("desktop-file-validate", desktop.toString()))).isEmpty();
        }
        // nothing to run at install or removal: the desktop's triggers pick the files up
        Path control = deb.control(work.resolve("control"));
        for (String script : List.of("preinst", "postinst", "prerm", "postrm")) {
            assertThat(control.resolve(script)).as(script).doesNotExist();
        }
    }

    @Test
    void theUnpackedLauncherPrintsHelp() throws IOException {
        Deb.Result help = Deb.exec(List.of(root.resolve(HOME + "/bin/carsight-console").toString(), "--help"), null, 60);
        assertThat(help.exit()).as(help.output()).isZero();
        assertThat(help.output()).contains("Usage: carsight-console").contains("--demo").contains("--speed");
    }

    /** The trimmed runtime has every module the console needs: a real --demo run renders frames and reports. */
    @Test
    void theUnpackedConsoleRunsItsDemoOnTheTrimmedRuntime() throws Exception {
        NetNamespaces.assumeAvailable();
        assumeThat(Deb.onPath("Xvfb")).as("Xvfb is needed to show the console").isTrue();
        int display = freeDisplay();
        Process xvfb = new ProcessBuilder("Xvfb", ":" + display, "-screen", "0", "1280x800x24", "-nolisten", "tcp")
                .redirectErrorStream(true).redirectOutput(work.resolve("xvfb.log").toFile()).start();
        try (NetNamespaces net = new NetNamespaces()) {
            for (int i = 0; i < 100 && !Files.exists(Path.of("/tmp/.X11-unix/X" + display)); i++) {
                Thread.sleep(100);
            }
            // libwebrtc gathers no loopback candidates: the console's host needs a real link
            String ns = net.create("cspkg2");
            net.create("cspkg3");
            net.link(ns, "198.51.100.1/24", "cspkg3", "198.51.100.2/24");
            Path report = work.resolve("report.json");
            Path log = work.resolve("console.log");
            Process console = net.start(ns, List.of("env", "DISPLAY=:" + display, "HOME=" + work,
                    root.resolve(HOME + "/bin/carsight-console").toString(),
                    "--demo", "--speed", "50km/h", "--duration", "12", "--report", report.toString()), log);
            assertThat(console.waitFor(90, TimeUnit.SECONDS)).as("the console ends after --duration").isTrue();
            assertThat(console.exitValue()).as(Files.readString(log)).isZero();
            JsonNode r = new ObjectMapper().readTree(report.toFile());
            assertThat(r.get("framesRendered").asInt()).as(Files.readString(log)).isGreaterThan(30);
            assertThat(r.get("truthLatencyMs").isNull()).as("timecode read from the rendered frames").isFalse();
            assertThat(r.get("speedMps").asDouble()).isBetween(13.88, 13.89);
        } finally {
            xvfb.destroy();
            xvfb.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freeDisplay() {
        for (int n = 71; n < 120; n++) {
            if (!Files.exists(Path.of("/tmp/.X11-unix/X" + n)) && !Files.exists(Path.of("/tmp/.X" + n + "-lock"))) {
                return n;
            }
        }
        throw new IllegalStateException("no free X display number between :71 and :119");
    }
}
