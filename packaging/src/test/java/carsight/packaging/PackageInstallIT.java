package carsight.packaging;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Both packages installed for real with apt on this machine (root; the CI machine is thrown away afterwards, and a
 * developer's machine is put back as it was): install, install again over itself, upgrade to a rebuilt package with
 * a higher version (the operator's edit of the conffile kept), remove, purge — each step's exit status checked, and
 * what each step leaves checked against what the README's Packages section says. No service is started meanwhile
 * (a temporary policy-rc.d answers 101, as the test setup's does).
 */
class PackageInstallIT {

    @TempDir
    static Path work;
    private static Set<String> packagesBefore;
    private static boolean userBefore;
    private static boolean policyOurs;
    private static final Path POLICY = Path.of("/usr/sbin/policy-rc.d");
    private static final Map<String, String> QUIET = Map.of("DEBIAN_FRONTEND", "noninteractive");

    @BeforeAll
    static void machine() throws IOException {
        assumeThat(System.getProperty("user.name")).as("installing packages needs root").isEqualTo("root");
        assumeThat(Deb.onPath("apt-get") && Deb.onPath("dpkg-query")).as("apt is needed").isTrue();
        for (String pkg : List.of("carsight-streamer", "carsight-console")) {
            assumeThat(installed(pkg)).as("%s is installed here already: this test does not touch it", pkg).isFalse();
        }
        packagesBefore = packages();
        userBefore = Deb.exec(List.of("getent", "passwd", "carsight"), null, 30).exit() == 0;
        if (!Files.exists(POLICY)) {
            Files.writeString(POLICY, "#!/bin/sh\n# carsight package test: no service starts while it runs\nexit 101\n");
            Files.setPosixFilePermissions(POLICY, PosixFilePermissions.fromString("rwxr-xr-x"));
            policyOurs = true;
        }
    }

    /** Puts the machine back: our packages purged, what their installation pulled in removed, the user, the policy. */
    @AfterAll
    static void restore() throws IOException {
        if (packagesBefore == null) {
            return;
        }
        for (String pkg : List.of("carsight-streamer", "carsight-console")) {
            if (installed(pkg)) {
                Deb.exec(List.of("dpkg", "--purge", pkg), QUIET, 300);
            }
        }
        List<String> pulledIn = new ArrayList<>(packages());
        pulledIn.removeAll(packagesBefore);
        if (!pulledIn.isEmpty()) {
            List<String> purge = new ArrayList<>(List.of("apt-get", "purge", "-y", "-q"));
            purge.addAll(pulledIn);
            System.out.println("removing what the packages pulled in: " + pulledIn + "\n"
                    + Deb.exec(purge, QUIET, 600).output());
        }
        if (!userBefore && Deb.exec(List.of("getent", "passwd", "carsight"), null, 30).exit() == 0) {
            Deb.exec(List.of("deluser", "--system", "carsight"), null, 60);
            Deb.exec(List.of("delgroup", "--system", "carsight"), null, 60);
        }
        if (policyOurs) {
            Files.deleteIfExists(POLICY);
        }
    }

    static Set<String> packages() throws IOException {
        return new LinkedHashSet<>(Deb.run(List.of("dpkg-query", "-W", "-f", "${db:Status-Status} ${Package}\\n")).lines()
                .filter(l -> l.startsWith("installed ")).map(l -> l.substring("installed ".length())).toList());
    }

    static boolean installed(String pkg) throws IOException {
        Deb.Result r = Deb.exec(List.of("dpkg-query", "-W", "-f", "${db:Status-Status}", pkg), null, 30);
        return r.exit() == 0 && r.output().strip().equals("installed");
    }

    static String version(String pkg) throws IOException {
        return Deb.run(List.of("dpkg-query", "-W", "-f", "${Version}", pkg)).strip();
    }

    /** Runs an apt/dpkg step, prints what it said, and requires it to succeed. */
    static String step(String what, String... command) throws IOException {
        Deb.Result r = Deb.exec(List.of(command), QUIET, 900);
        System.out.println("$ " + String.join(" ", command) + "   (" + what + ", exit " + r.exit() + ")\n" + r.output());
        assertThat(r.exit()).as("%s: %s\n%s", what, String.join(" ", command), r.output()).isZero();
        return r.output();
    }

    /** The same package with a higher version: unpacked, its Version field raised, packed again. */
    static Path higherVersion(Deb deb, String suffix) throws IOException {
        Path tree = work.resolve("rebuild-" + deb.file.getFileName() + suffix);
        Deb.run(List.of("dpkg-deb", "-R", deb.file.toString(), tree.toString()));
        Path control = tree.resolve("DEBIAN/control");
        String text = Files.readString(control);
        String version = text.lines().filter(l -> l.startsWith("Version: ")).findFirst().orElseThrow().substring(9);
        Files.writeString(control, text.replace("Version: " + version, "Version: " + version + suffix));
        Path out = work.resolve(deb.file.getFileName().toString().replace(".deb", suffix + ".deb"));
        Deb.run(List.of("dpkg-deb", "--root-owner-group", "-Zgzip", "--build", tree.toString(), out.toString()));
        return out;
    }

    @Test
    void theStreamerInstallsUpgradesKeepingTheOperatorsSettingsAndPurgesItsState() throws IOException {
        Deb deb = Deb.built("carsight-streamer_" + Deb.version() + "_all.deb");
        Path conf = Path.of("/etc/carsight/streamer.conf");

        step("install", "apt-get", "install", "-y", "-q", "--no-install-recommends", deb.file.toString());
        assertThat(installed("carsight-streamer")).isTrue();
        Deb.Result help = Deb.exec(List.of("carsight-streamer", "--help"), null, 60);
        assertThat(help.exit()).as(help.output()).isZero();
        assertThat(help.output()).contains("Usage: carsight-streamer");
        assertThat(Deb.run(List.of("getent", "passwd", "carsight"))).as("its own system user").contains("/var/lib/carsight");
        assertThat(Deb.run(List.of("id", "-nG", "carsight"))).contains("video");
        assertThat(conf).isRegularFile();
        assertThat(Deb.run(List.of("dpkg-query", "-W", "-f", "${Conffiles}", "carsight-streamer")))
                .as("a conffile: upgrades keep the operator's edits").contains("/etc/carsight/streamer.conf");
        assertThat(Path.of("/lib/systemd/system/carsight-streamer.service")).isRegularFile();

        Files.writeString(conf, Files.readString(conf) + "\n# the operator's own line\nfps = 60\n");
        step("install the same package again", "apt-get", "install", "-y", "-q", "--reinstall", deb.file.toString());
        assertThat(Files.readString(conf)).contains("# the operator's own line");

        Path newer = higherVersion(deb, "+1");
        step("upgrade", "apt-get", "install", "-y", "-q", newer.toString());
        assertThat(version("carsight-streamer")).isEqualTo(Deb.version() + "+1");
        assertThat(Files.readString(conf)).as("the edit survives the upgrade").contains("# the operator's own line");

        // a token the service made at its first start
        Files.createDirectories(Path.of("/var/lib/carsight"));
        Files.writeString(Path.of("/var/lib/carsight/token"), "token-made-at-first-start\n");

        step("remove", "apt-get", "remove", "-y", "-q", "carsight-streamer");
        assertThat(installed("carsight-streamer")).isFalse();
        assertThat(Path.of("/usr/bin/carsight-streamer")).doesNotExist();
        assertThat(conf).as("remove keeps the configuration").isRegularFile();
        assertThat(Path.of("/var/lib/carsight/token")).as("and the token").exists();

        step("purge", "apt-get", "purge", "-y", "-q", "carsight-streamer");
        assertThat(conf).as("purge takes the configuration").doesNotExist();
        assertThat(Path.of("/var/lib/carsight")).as("and the token with its directory").doesNotExist();
        assertThat(Deb.exec(List.of("dpkg-query", "-W", "carsight-streamer"), null, 30).output())
                .as("dpkg forgets it").doesNotContain("0.1.0");
    }

    @Test
    void theConsoleInstallsWithoutADesktopMenuSystemAndRemovesCleanly() throws IOException {
        String arch = Deb.run(List.of("dpkg", "--print-architecture")).strip();
        Deb deb = Deb.built("carsight-console_" + Deb.version() + "_" + arch + ".deb");

        step("install", "apt-get", "install", "-y", "-q", "--no-install-recommends", deb.file.toString());
        assertThat(installed("carsight-console")).isTrue();
        Deb.Result help = Deb.exec(List.of("/usr/bin/carsight-console", "--help"), null, 120);
        assertThat(help.exit()).as(help.output()).isZero();
        assertThat(help.output()).contains("Usage: carsight-console");
        assertThat(Path.of("/usr/share/applications/carsight-console.desktop")).as("where desktops look for menu entries")
                .isRegularFile();
        assertThat(Path.of("/usr/share/icons/hicolor/256x256/apps/carsight-console.png")).isRegularFile();
        assertThat(Deb.run(List.of("dpkg", "-S", "/usr/share/applications/carsight-console.desktop")))
                .as("files the package owns").startsWith("carsight-console:");

        step("install the same package again", "apt-get", "install", "-y", "-q", "--reinstall", deb.file.toString());
        Path newer = higherVersion(deb, "+1");
        step("upgrade", "apt-get", "install", "-y", "-q", newer.toString());
        assertThat(version("carsight-console")).isEqualTo(Deb.version() + "+1");

        step("remove", "apt-get", "remove", "-y", "-q", "carsight-console");
        assertThat(Path.of("/usr/bin/carsight-console")).doesNotExist();
        assertThat(Path.of("/opt/carsight-console")).doesNotExist();
        assertThat(Path.of("/usr/share/applications/carsight-console.desktop")).doesNotExist();
        // no conffiles, so remove leaves nothing for apt to purge; dpkg says so and succeeds
        step("purge", "dpkg", "--purge", "carsight-console");
        assertThat(installed("carsight-console")).isFalse();
        assertThat(Deb.exec(List.of("dpkg-query", "-W", "carsight-console"), null, 30).exit()).as("dpkg forgets it")
                .isNotZero();
    }
}
