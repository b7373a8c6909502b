package carsight.streamer.it;

import carsight.streamer.testnet.NetNamespaces;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real streamer ({@code carsight.streamer.Main}) as a child process inside a test namespace. */
public final class StreamerProcess implements AutoCloseable {

    public static final String TOKEN = "carsight-test-token";

    private final Process process;
    private final Path log;
    public final String url;

    private StreamerProcess(Process process, Path log, String url) {
        this.process = process;
        this.log = log;
        this.url = url;
    }

    public static StreamerProcess start(NetNamespaces net, String ns, String address, Path dir, String... extraArgs)
            throws IOException, InterruptedException {
        return start(net, ns, address, dir, null, extraArgs);
    }

    /** As {@link #start}, with {@code binDir} first on the streamer's PATH (for a camera program of the test's). */
    public static StreamerProcess start(NetNamespaces net, String ns, String address, Path dir, Path binDir, String... extraArgs)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--listen", address + ":8080", "--token", TOKEN,
                "--state-dir", dir.resolve("state").toString()));
        args.addAll(List.of(extraArgs));
        Path log = Files.createTempFile(dir, "streamer", ".log");
        List<String> command = new ArrayList<>();
        if (binDir != null) {
            command.addAll(List.of("env", "PATH=" + binDir + ":" + System.getenv("PATH")));
        }
        command.addAll(NetNamespaces.java("carsight.streamer.Main", args.toArray(String[]::new)));
        Process p = net.start(ns, command, log);
        StreamerProcess streamer = new StreamerProcess(p, log, "http://" + address + ":8080");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (streamer.log().contains("listening on")) {
                return streamer;
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("streamer exited early:\n" + streamer.log());
            }
            Thread.sleep(100);
        }
        streamer.close();
        throw new IllegalStateException("streamer did not come up in 30 s:\n" + streamer.log());
    }

    /** Waits (bounded) until a child process's log shows {@code line}; fails with the log when it does not. */
    public static void awaitLine(Path log, String line, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!(Files.exists(log) && Files.readString(log).contains(line))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no '" + line + "' in " + log + " after " + seconds + " s:\n"
                        + (Files.exists(log) ? Files.readString(log) : "(no log)"));
            }
            Thread.sleep(50);
        }
    }

    public Path logFile() {
        return log;
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Stops it as systemd would (SIGTERM), waiting for its shutdown. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
