package carsight.packaging;

import carsight.streamer.cli.StreamerOptions;
import carsight.streamer.testnet.NetNamespaces;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/** The streamer's .deb as Debian's tools and an installer see it. */
class StreamerPackageIT {

    private static Deb deb;
    private static Path root;

    @TempDir
    static Path work;

    @BeforeAll
    static void unpack() throws IOException {
        deb = Deb.built("carsight-streamer_" + Deb.version() + "_all.deb");
        root = deb.unpack(work.resolve("root"));
    }

    @Test
    void controlFieldsSayWhatItNeeds() throws IOException {
        assertThat(deb.field("Package")).isEqualTo("carsight-streamer");
        assertThat(deb.field("Version")).isEqualTo(Deb.version());
        assertThat(deb.field("Architecture")).isEqualTo("all");
        assertThat(deb.field("Depends")).contains("openjdk-17-jre-headless | java17-runtime-headless").contains("adduser")
                .contains("libnss3");
        assertThat(deb.field("Recommends")).isEqualTo("rpicam-apps | libcamera-apps");
        assertThat(Integer.parseInt(deb.field("Installed-Size"))).isGreaterThan(1000);
    }

    @Test
    void filesAreWhereDebianExpectsThem() throws IOException {
        List<String> listing = deb.listing();
        assertThat(listing).anySatisfy(l -> assertThat(l).startsWith("-rwxr-xr-x root/root").endsWith(" ./usr/bin/carsight-streamer"));
        assertThat(listing).anySatisfy(l -> assertThat(l).startsWith("-rw-r--r-- root/root").endsWith(" ./usr/share/carsight/carsight-streamer.jar"));
        assertThat(listing).anySatisfy(l -> assertThat(l).startsWith("-rw-r--r-- root/root").endsWith(" ./etc/carsight/streamer.conf"));
        assertThat(listing).anySatisfy(l -> assertThat(l).endsWith(" ./lib/systemd/system/carsight-streamer.service"));
        assertThat(listing).anySatisfy(l -> assertThat(l).endsWith(" ./usr/share/doc/carsight-streamer/copyright"));
        assertThat(listing).anySatisfy(l -> assertThat(l).endsWith(" ./usr/share/doc/carsight-streamer/changelog.gz"));
        assertThat(listing).anySatisfy(l -> assertThat(l).endsWith(" ./usr/share/man/man1/carsight-streamer.1.gz"));
        assertThat(listing).allSatisfy(l -> assertThat(l).contains(" root/root "));
    }

    @Test
    void theConfigIsAConffileAndTheStreamerAcceptsIt() throws Exception {
        Path control = deb.control(work.resolve("control"));
        assertThat(Files.readAllLines(control.resolve("conffiles"))).containsExactly("/etc/carsight/streamer.conf");
        assertThat(Files.isExecutable(control.resolve("postinst"))).isTrue();
        String postinst = Files.readString(control.resolve("postinst"));
        assertThat(postinst).contains("useradd --system").contains("carsight video").contains("deb-systemd-helper");

        StreamerOptions options = StreamerOptions.parse(new String[] {"--config", root.resolve("etc/carsight/streamer.conf").toString()});
        assertThat(options.camera()).isEqualTo("auto");
        assertThat(options.cameraSettings().width()).isEqualTo(640);
        assertThat(options.cameraSettings().height()).isEqualTo(480);
        assertThat(options.listenPort()).isEqualTo(8080);
        assertThat(options.noAuth()).isFalse();
        assertThat(options.token()).as("the token is generated, not shipped").isNull();
    }

    @Test
    void theUnitRunsHardenedAsItsOwnUser() throws IOException {
        Map<String, List<String>> unit = directives(root.resolve("lib/systemd/system/carsight-streamer.service"));
        assertThat(unit.get("ExecStart")).containsExactly("/usr/bin/carsight-streamer --config /etc/carsight/streamer.conf");
        assertThat(unit.get("User")).containsExactly("carsight");
        assertThat(unit.get("SupplementaryGroups")).containsExactly("video");
        assertThat(unit.get("Restart")).containsExactly("always");
        assertThat(unit.get("StateDirectory")).containsExactly("carsight");
        assertThat(unit.get("NoNewPrivileges")).containsExactly("yes");
        assertThat(unit.get("ProtectSystem")).containsExactly("strict");
        assertThat(unit.get("ProtectHome")).containsExactly("yes");
        assertThat(unit.get("CapabilityBoundingSet")).containsExactly("");
        assertThat(unit.get("WantedBy")).containsExactly("multi-user.target");
        assertThat(unit).doesNotContainKey("MemoryDenyWriteExecute"); // the JIT would die
    }

    @Test
    void systemdAcceptsTheUnit() throws IOException {
        assumeThat(Deb.onPath("systemd-analyze")).as("systemd-analyze is not installed here").isTrue();
        // verify checks that ExecStart exists: point it at the unpacked launcher
        Path unitDir = Files.createDirectories(work.resolve("unit"));
        Path unit = unitDir.resolve("carsight-streamer.service");
        Files.writeString(unit, Files.readString(root.resolve("lib/systemd/system/carsight-streamer.service"))
                .replace("/usr/bin/carsight-streamer", root.resolve("usr/bin/carsight-streamer").toString()));
        Deb.Result r = Deb.exec(List.of("systemd-analyze", "verify", "--man=no", unit.toString()), null, 60);
        assertThat(r.output()).as("systemd-analyze verify").isEmpty();
        assertThat(r.exit()).isZero();
    }

    @Test
    void lintianFindsNoErrors() throws IOException {
        assertThat(Deb.onPath("lintian")).as("lintian is needed (scripts/setup-test-machine.sh installs it)").isTrue();
        Deb.Result r = Deb.exec(List.of("lintian", "--allow-root", "--no-tag-display-limit", deb.file.toString()), null, 300);
        System.out.println("lintian " + deb.file.getFileName() + ":\n" + r.output());
        assertThat(r.output().lines().filter(l -> l.startsWith("E:"))).as("lintian errors").isEmpty();
        assertThat(r.exit()).as("lintian exit status").isZero();
    }

    @Test
    void theUnpackedLauncherPrintsHelpAndVersion() throws IOException {
        Path launcher = root.resolve("usr/bin/carsight-streamer");
        Deb.Result help = Deb.exec(List.of(launcher.toString(), "--help"), null, 60);
        assertThat(help.exit()).as(help.output()).isZero();
        assertThat(help.output()).startsWith("Usage: carsight-streamer").contains("--camera").contains("--config FILE");
        Deb.Result version = Deb.exec(List.of(launcher.toString(), "--version"), null, 60);
        assertThat(version.output().strip()).isEqualTo("carsight-streamer " + Deb.version());
        Deb.Result wrong = Deb.exec(List.of(launcher.toString(), "--fps", "fast"), null, 60);
        assertThat(wrong.exit()).isNotZero();
        assertThat(wrong.output()).contains("--fps must be a positive number");
    }

    @Test
    void theUnpackedLauncherServesWithThePiZeroHeap() throws Exception {
        NetNamespaces.assumeAvailable();
        try (NetNamespaces net = new NetNamespaces()) {
            String ns = net.create("cspkg1");
            Path state = Files.createDirectories(work.resolve("state"));
            Path log = work.resolve("streamer.log");
            // the launcher's own JVM flags (-Xmx64m, SerialGC): what the Pi Zero runs with
            Process streamer = net.start(ns, List.of(root.resolve("usr/bin/carsight-streamer").toString(),
                    "--camera", "test-pattern", "--listen", "127.0.0.1:8080", "--state-dir", state.toString()), log);
            try {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    assertThat(streamer.isAlive()).as(Files.readString(log)).isTrue();
                    String health = net.httpGet(ns, "127.0.0.1", 8080, "/healthz");
                    assertThat(health).startsWith("HTTP/1.1 200").contains("\"camera\"");
                });
                Path token = state.resolve("token");
                assertThat(token).exists();
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(token))).isEqualTo("rw-------");
                assertThat(Files.readString(log)).as("the token is never logged")
                        .doesNotContain(Files.readString(token, StandardCharsets.UTF_8).strip());
            } finally {
                streamer.destroy();
                streamer.waitFor();
            }
        }
    }

    /** A unit file's directives: key → values in order (a bare "Key=" gives an empty value). */
    private static Map<String, List<String>> directives(Path unit) throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String raw : Files.readAllLines(unit)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("[")) {
                continue;
            }
            int eq = line.indexOf('=');
            out.computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>()).add(line.substring(eq + 1).strip());
        }
        return out;
    }
}
