package carsight.streamer.testnet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's Janus as a relay inside a test namespace, with a configuration of the test's own: only the streaming
 * plugin (mountpoints made through its API, an {@code admin_key} required to make them, RTP ports 20000–20999) and
 * the plain HTTP transport on port 8088; host candidates only on {@code iceAddress}. Started and stopped by process id.
 */
public final class JanusRelay implements AutoCloseable {

    private final NetNamespaces net;
    private final String ns;
    private final Path config;
    private final Path dir;
    private Process process;
    private Path log;
    private int starts;

    private JanusRelay(NetNamespaces net, String ns, Path dir, Path config) {
        this.net = net;
        this.ns = ns;
        this.dir = dir;
        this.config = config;
    }

    /** Skips the calling test unless Janus and its streaming plugin are installed. */
    public static Path assumeInstalled() throws IOException {
        for (Path lib : List.of(Path.of("/usr/lib/x86_64-linux-gnu/janus"), Path.of("/usr/lib/aarch64-linux-gnu/janus"),
                Path.of("/usr/lib/janus"))) {
            if (Files.exists(lib.resolve("plugins/libjanus_streaming.so"))) {
                return lib;
            }
        }
        assumeTrue(false, "Janus is not installed (bash scripts/setup-test-machine.sh installs it)");
        return null;
    }

    /** Writes the configuration and starts Janus in {@code ns}; {@code adminKey} guards mountpoint creation. */
    public static JanusRelay start(NetNamespaces net, String ns, Path dir, String iceAddress, String adminKey)
            throws IOException, InterruptedException {
        Path lib = assumeInstalled();
        Path config = Files.createDirectories(dir.resolve("janus"));
        Files.writeString(config.resolve("janus.jcfg"), """
                general: {
                  configs_folder = "%1$s"
                  plugins_folder = "%2$s/plugins"
                  transports_folder = "%2$s/transports"
                  events_folder = "%2$s/events"
                  loggers_folder = "%2$s/loggers"
                  debug_level = 4
                  server_name = "carsight-test-relay"
                }
                nat: {
                  nice_debug = false
                  ice_enforce_list = "%3$s"
                }
                plugins: {
                  disable = "%4$s"
                }
                transports: {
                  disable = "%5$s"
                }
                loggers: {
                  disable = "%6$s"
                }
                events: {
                  broadcast = false
                }
                """.formatted(config, lib, iceAddress, others(lib.resolve("plugins"), "libjanus_streaming.so"),
                others(lib.resolve("transports"), "libjanus_http.so"), others(lib.resolve("loggers"), "")),
                StandardCharsets.UTF_8);
        Files.writeString(config.resolve("janus.transport.http.jcfg"), """
                general: {
                  json = "compact"
                  base_path = "/janus"
                  http = true
                  port = 8088
                  https = false
                }
                admin: {
                  admin_http = false
                  admin_https = false
                }
                """, StandardCharsets.UTF_8);
        Files.writeString(config.resolve("janus.plugin.streaming.jcfg"), """
                general: {
                  admin_key = "%s"
                  rtp_port_range = "20000-20999"
                }
                """.formatted(adminKey), StandardCharsets.UTF_8);
        JanusRelay relay = new JanusRelay(net, ns, dir, config);
        relay.start();
        return relay;
    }

    private static String others(Path folder, String keep) throws IOException {
        if (!Files.isDirectory(folder)) {
            return "";
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".so") && !n.equals(keep))
                    .sorted().collect(Collectors.joining(","));
        }
    }

    private void start() throws IOException, InterruptedException {
        starts++;
        log = dir.resolve("janus-" + starts + ".log");
        // no core file: Janus 1.1.2 can crash on SIGTERM while it relays data channels, and would leave one in the
        // test's working directory
        process = net.start(ns, List.of("bash", "-c", "ulimit -c 0; exec janus -F \"$0\" -o", config.toString()), log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains("HTTP webserver started")) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("Janus exited at start:\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("Janus did not start in 30 s:\n" + Files.readString(log));
    }

    /** Stops Janus (SIGTERM, its own process only) and starts it again: every session and mountpoint is gone. */
    public void restart() throws IOException, InterruptedException {
        stop();
        start();
    }

    private void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
