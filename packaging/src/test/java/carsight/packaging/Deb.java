package carsight.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A built .deb, read with Debian's own tools (dpkg-deb), as an installer would see it. */
final class Deb {

    final Path file;

    private Deb(Path file) {
        this.file = file;
    }

    /** The package that {@code mvn -Ppackages package} left in the packages directory. */
    static Deb built(String fileName) {
        Path dir = Path.of(System.getProperty("carsight.packages", "target"));
        Path file = dir.resolve(fileName);
        if (!Files.isRegularFile(file)) {
            throw new AssertionError(file + " was not built (run mvn -Ppackages package)");
        }
        return new Deb(file);
    }

    static String version() {
        return System.getProperty("carsight.version", "0.1.0");
    }

    /** One control field, e.g. "Depends". */
    String field(String name) throws IOException {
        return run(List.of("dpkg-deb", "-f", file.toString(), name)).strip();
    }

    /** "./usr/bin/x" style paths with their modes, one line per entry, as {@code dpkg-deb -c} lists them. */
    List<String> listing() throws IOException {
        return run(List.of("dpkg-deb", "-c", file.toString())).lines().toList();
    }

    /** Unpacks the files (as {@code dpkg-deb -x}) into a fresh directory. */
    Path unpack(Path into) throws IOException {
        run(List.of("dpkg-deb", "-x", file.toString(), into.toString()));
        return into;
    }

    /** Unpacks the control area (control, conffiles, maintainer scripts). */
    Path control(Path into) throws IOException {
        run(List.of("dpkg-deb", "-e", file.toString(), into.toString()));
        return into;
    }

    /** Runs a command, returns its stdout+stderr, fails on a non-zero exit. */
    static String run(List<String> command) throws IOException {
        Result r = exec(command, null, 120);
        if (r.exit != 0) {
            throw new IOException(String.join(" ", command) + " exited " + r.exit + ":\n" + r.output);
        }
        return r.output;
    }

    record Result(int exit, String output) {
    }

    static Result exec(List<String> command, java.util.Map<String, String> env, int timeoutSeconds) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        if (env != null) {
            builder.environment().putAll(env);
        }
        Path out = Files.createTempFile("carsight-pkg", ".out");
        builder.redirectOutput(out.toFile());
        Process p = builder.start();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s:\n"
                        + Files.readString(out, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        Files.deleteIfExists(out);
        return new Result(p.exitValue(), text);
    }

    static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
