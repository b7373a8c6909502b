package carsight.streamer.testnet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Test hosts in Linux network namespaces that the tests create and delete themselves, joined by veth pairs with
 * documentation addresses (198.51.100.0/24, 203.0.113.0/24). Nothing here touches this machine's own interfaces:
 * libwebrtc and Chromium gather no loopback candidates, so real peers need these links to find each other.
 */
public final class NetNamespaces implements AutoCloseable {

    private static final java.util.concurrent.atomic.AtomicInteger LINKS = new java.util.concurrent.atomic.AtomicInteger();

    private final List<String> namespaces = new ArrayList<>();

    /** Skips the calling test (with the reason) unless namespaces can be made here. */
    public static void assumeAvailable() {
        assumeTrue("root".equals(System.getProperty("user.name")), "network namespace tests need root");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")),
                "network namespace tests need iproute2's ip command");
    }

    /** Creates a namespace with its loopback up, deleting any leftover of the same name first. */
    public String create(String name) throws IOException {
        run("ip", "netns", "del", name).ignoreFailure();
        run("ip", "netns", "add", name).check();
        namespaces.add(name);
        run("ip", "-n", name, "link", "set", "lo", "up").check();
        return name;
    }

    /**
     * Joins two namespaces with a veth pair and gives each end an address (CIDR form, e.g. 198.51.100.1/24); returns
     * the two ends' interface names (in {@code nsA}, in {@code nsB}).
     */
    public String[] link(String nsA, String addressA, String nsB, String addressB) throws IOException {
        int n = LINKS.incrementAndGet();
        String ifA = "csveth" + n + "a";
        String ifB = "csveth" + n + "b";
        run("ip", "link", "del", ifA).ignoreFailure();
        run("ip", "link", "add", ifA, "type", "veth", "peer", "name", ifB).check();
        run("ip", "link", "set", ifA, "netns", nsA).check();
        run("ip", "link", "set", ifB, "netns", nsB).check();
        run("ip", "-n", nsA, "addr", "add", addressA, "dev", ifA).check();
        run("ip", "-n", nsB, "addr", "add", addressB, "dev", ifB).check();
        run("ip", "-n", nsA, "link", "set", ifA, "up").check();
        run("ip", "-n", nsB, "link", "set", ifB, "up").check();
        return new String[]{ifA, ifB};
    }

    /**
     * Makes {@code ns} a home or carrier NAT router: what leaves through {@code wanInterface} takes the router's
     * address, answers come back in, and nothing from outside may open a connection or send a first packet inward.
     */
    public void natRouter(String ns, String lanInterface, String wanInterface) throws IOException {
        run("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1").check();
        String rules = "table ip carsight_nat {\n"
                + "  chain postrouting {\n    type nat hook postrouting priority 100; policy accept;\n"
                + "    oifname \"" + wanInterface + "\" masquerade\n  }\n"
                + "  chain forward {\n    type filter hook forward priority 0; policy drop;\n"
                + "    ct state established,related accept\n"
                + "    iifname \"" + lanInterface + "\" oifname \"" + wanInterface + "\" accept\n  }\n}\n";
        nft(ns, rules);
    }

    /** Whether a TCP connection from {@code ns} to {@code host:port} opens within 3 s. */
    public boolean canConnect(String ns, String host, int port) throws IOException {
        return run("ip", "netns", "exec", ns, "timeout", "3", "bash", "-c", "exec 3<>/dev/tcp/" + host + "/" + port)
                .exitCode() == 0;
    }

    /** Bytes {@code ns} has sent through {@code device} so far (the kernel's counter). */
    public long bytesSent(String ns, String device) throws IOException {
        return Long.parseLong(run("ip", "netns", "exec", ns, "cat", "/sys/class/net/" + device + "/statistics/tx_bytes")
                .check().output().strip());
    }

    /** Drops {@code percent} % of packets arriving in {@code ns} (nftables numgen), as a lossy radio link would. */
    public void randomLoss(String ns, int percent) throws IOException {
        String rules = "table inet carsight_loss {\n"
                + "  chain input {\n    type filter hook input priority 0; policy accept;\n"
                + "    meta l4proto udp numgen random mod 100 < " + percent + " drop\n  }\n}\n";
        nft(ns, rules);
    }

    /** Drops every packet into and out of {@code ns}, as a tunnel or a dead cell would, until {@link #light}. */
    public void dark(String ns) throws IOException {
        String rules = "table inet carsight_dark {\n"
                + "  chain input {\n    type filter hook input priority -10; policy accept;\n    iifname != \"lo\" drop\n  }\n"
                + "  chain output {\n    type filter hook output priority -10; policy accept;\n    oifname != \"lo\" drop\n  }\n}\n";
        nft(ns, rules);
    }

    /** Ends {@link #dark}. */
    public void light(String ns) throws IOException {
        run("ip", "netns", "exec", ns, "nft", "delete", "table", "inet", "carsight_dark").check();
    }

    /**
     * Lets only TCP reach or leave {@code address} in {@code ns}: a link that carries signaling but that ICE cannot
     * use, so media takes another one.
     */
    public void tcpOnly(String ns, String address) throws IOException {
        String rules = "table inet carsight_tcp_only {\n"
                + "  chain input {\n    type filter hook input priority 0; policy accept;\n"
                + "    ip daddr " + address + " meta l4proto udp drop\n  }\n"
                + "  chain output {\n    type filter hook output priority 0; policy accept;\n"
                + "    ip saddr " + address + " meta l4proto udp drop\n  }\n}\n";
        nft(ns, rules);
    }

    /**
     * Replaces the address {@code oldCidr} by {@code newCidr} on the same interface in {@code ns}, as a cellular
     * handover gives the car a new address: sockets bound to the old one can no longer send or receive.
     */
    public void changeAddress(String ns, String oldCidr, String newCidr) throws IOException {
        String shown = run("ip", "-n", ns, "-o", "addr", "show", "to", oldCidr.split("/")[0]).check().output().strip();
        String[] fields = shown.split("\\s+");
        if (fields.length < 2) {
            throw new IOException("no interface in " + ns + " has " + oldCidr);
        }
        String device = fields[1];
        run("ip", "-n", ns, "addr", "del", oldCidr, "dev", device).check();
        run("ip", "-n", ns, "addr", "add", newCidr, "dev", device).check();
    }

    /** Adds a route in {@code ns} to {@code destination} (CIDR) through {@code gateway}. */
    public void route(String ns, String destination, String gateway) throws IOException {
        run("ip", "-n", ns, "route", "add", destination, "via", gateway).check();
    }

    /**
     * Makes {@code ns} a router that forwards TCP but drops forwarded UDP: signaling gets through, media must take a
     * relay — a firewall that blocks the direct path.
     */
    public void routerForwardingTcpOnly(String ns) throws IOException {
        run("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1").check();
        String rules = "table inet carsight_router {\n  chain forward {\n"
                + "    type filter hook forward priority 0; policy accept;\n    meta l4proto udp drop\n  }\n}\n";
        nft(ns, rules);
    }

    /**
     * Joins two namespaces with an emulated link instead of a veth pair: the project's user-space link emulator
     * ({@code bench/link/roadlink.py}, the one the road benchmark uses) between a TUN device in each, with
     * {@code addressA} and {@code addressB} (plain addresses, each the other's peer). {@code up} (A → B) and
     * {@code down} (B → A) are its link descriptions, e.g. {@code steps=0:1mbit/40:3mbit,delay=20,queue=125000} or
     * {@code trace=…/ATT-LTE-driving.up,delay=30}. Returns once the link carries packets; it runs inside
     * {@code nsA} and ends with the namespaces (or earlier, {@link EmulatedLink#close}).
     */
    public EmulatedLink emulatedLink(String nsA, String addressA, String nsB, String addressB, String up, String down,
                                     Path stats) throws IOException {
        int n = LINKS.incrementAndGet();
        Path output = Files.createTempFile("carsight-link", ".log");
        List<String> command = List.of("python3", EmulatedLink.script().toString(), "--ns-a", nsA, "--ns-b", nsB,
                "--addr-a", addressA, "--addr-b", addressB, "--name", "csroad" + n, "--up", up, "--down", down,
                "--stats", stats.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!Files.readString(output).contains("ready")) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException("the emulated link did not come up: " + String.join(" ", command) + "\n"
                        + Files.readString(output));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        return new EmulatedLink(process, stats);
    }

    /** A running emulated link; {@link #close} ends it (its stats file then has its summary). */
    public record EmulatedLink(Process process, Path stats) implements AutoCloseable {

        /** {@code bench/link/roadlink.py}, found from the working directory (the repository or one of its modules). */
        static Path script() throws IOException {
            for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
                Path candidate = dir.resolve("bench/link/roadlink.py");
                if (Files.isRegularFile(candidate)) {
                    return candidate;
                }
            }
            throw new IOException("bench/link/roadlink.py not found above " + Path.of("").toAbsolutePath());
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Loads an nftables rule set into {@code ns}. */
    private static void nft(String ns, String rules) throws IOException {
        Path file = Files.createTempFile("carsight-nft", ".conf");
        try {
            Files.writeString(file, rules, StandardCharsets.UTF_8);
            run("ip", "netns", "exec", ns, "nft", "-f", file.toString()).check();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Starts {@code command} inside {@code ns}. */
    public Process start(String ns, List<String> command, Path output) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
        if (output != null) {
            builder.redirectOutput(output.toFile());
        }
        return builder.start();
    }

    /**
     * A plain HTTP/1.0 GET from inside {@code ns} (bash's /dev/tcp: no client needs installing), the whole response
     * with its status line and headers; empty when the connection fails.
     */
    public String httpGet(String ns, String host, int port, String path) throws IOException {
        return run("ip", "netns", "exec", ns, "bash", "-c", "exec 3<>/dev/tcp/" + host + "/" + port
                + " && printf 'GET " + path + " HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3").output();
    }

    /** A command line running {@code mainClass} on this test's class path with the same JVM. */
    public static List<String> java(String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return command;
    }

    @Override
    public void close() {
        for (String ns : namespaces) {
            try {
                run("ip", "netns", "pids", ns).output().lines().forEach(pid -> {
                    try {
                        run("kill", "-9", pid.strip()).ignoreFailure();
                    } catch (IOException ignored) {
                        // gone already
                    }
                });
                run("ip", "netns", "del", ns).ignoreFailure();
            } catch (IOException ignored) {
                // best effort: the next run deletes leftovers by name
            }
        }
        namespaces.clear();
    }

    static Result run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", command));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
        return new Result(String.join(" ", command), p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    record Result(String command, int exitCode, String output) {
        Result check() throws IOException {
            if (exitCode != 0) {
                throw new IOException("'" + command + "' failed (" + exitCode + "): " + output.strip());
            }
            return this;
        }

        void ignoreFailure() {
        }
    }
}
