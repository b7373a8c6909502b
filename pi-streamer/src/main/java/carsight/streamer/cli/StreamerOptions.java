package carsight.streamer.cli;

import carsight.protocol.relay.RelayAddress;
import carsight.streamer.camera.CameraSettings;
import carsight.streamer.ice.IceServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The streamer's command line (every flag also settable as {@code name = value} in a {@code --config} file; the
 * command line wins).
 */
public record StreamerOptions(String camera, CameraSettings cameraSettings, String listenHost, int listenPort,
                              String token, boolean noAuth, List<IceServer> iceServers, String turnSecret,
                              long turnTtlSeconds, int maxViewers, int latencyBudgetMillis,
                              int playoutDelayMinMillis, int playoutDelayMaxMillis, Path stateDirectory,
                              List<String> allowedOrigins, boolean https, Path httpsKeystore, String httpsPassword,
                              InetSocketAddress rtpForward, RelayAddress relay, Path relayKeyFile, boolean help,
                              boolean version) {

    public static final String HELP = """
            Usage: carsight-streamer [options]

            Streams a Raspberry Pi camera's hardware H.264 to WebRTC viewers (console and browser), without transcoding.

              --camera auto|rpicam|test-pattern|test-pattern:road|file:PATH
                                    video source (default auto: rpicam when rpicam-vid/libcamera-vid is installed,
                                    else the test pattern; test-pattern:road adds a moving textured ground that
                                    uses the bitrate as a camera on a road does)
              --size WxH            picture size (default 640x480: the camera v2 runs it at up to ~200 fps)
              --fps N               frames per second (default 30)
              --bitrate BPS         target bitrate, e.g. 1500000, 1.5M or 800k (default 1.5M)
              --gop N               frames from one keyframe to the next (default 30: one second at 30 fps)
              --listen HOST:PORT    where the page, /whep, /signal, /healthz and /metrics listen (default 0.0.0.0:8080)
              --token TOKEN         the access token viewers must present (default: generated once, kept in the
                                    state directory and printed at start)
              --no-auth             let anyone who reaches the port watch
              --https               HTTPS and WSS on the port, with a self-signed certificate made once and kept in
                                    the state directory (its SHA-256 fingerprint is printed; the console pins it)
              --https-keystore FILE HTTPS and WSS with the certificate and key in a PKCS#12 file
              --https-password P    that file's password
              --ice-server URL      stun:host[:port] or turn:host[:port] (repeatable)
              --ice-username U      TURN username
              --ice-credential C    TURN credential (kept by the streamer)
              --turn-secret S       the TURN server's shared secret (coturn use-auth-secret): the streamer makes
                                    short-lived credentials for itself and hands each viewer its own
              --turn-ttl SECONDS    how long such a credential lasts (default 21600: six hours)
              --max-viewers N       viewers served at once (default 8)
              --allow-origin URL    a web page origin (e.g. https://ops.example.net) that may open /signal besides
                                    the streamer's own page (repeatable; * allows any page)
              --latency-budget MS   how long a frame may wait in the streamer for a viewer (default 150): a later one
                                    is skipped, up to the next keyframe, and the camera's bitrate follows what the
                                    viewers' paths carry — a short freeze instead of a growing lag
              --playout-delay MIN,MAX
                                    ask receivers to buffer between MIN and MAX ms (default 0,0: render at once)
              --rtp-forward HOST:PORT
                                    also send a plain, unencrypted RTP copy of the stream (H.264, payload type 96)
                                    to this UDP address, e.g. 127.0.0.1:5004 for a media server on this machine
              --relay janus+http://HOST:PORT/janus?mountpoint=ID
                                    also publish the stream, once and outbound, to a Janus relay: the streamer makes
                                    that streaming mountpoint (SRTP video, the frame times in its data channel) and
                                    makes it again whenever Janus restarts; viewers watch the relay with the same
                                    address (janus+https:// for Janus behind TLS)
              --relay-key-file FILE the relay's streaming admin_key (when it has one), kept on the car; the
                                    mountpoint's secret is kept in the state directory (relay-secret)
              --state-dir DIR       where the token is kept (default $STATE_DIRECTORY, else ~/.local/state/carsight)
              --config FILE         read options from FILE: one "name = value" per line, # comments
              --help                this text
              --version             the version
            """;

    private static final List<String> VALUED = List.of("camera", "size", "fps", "bitrate", "gop", "listen", "token",
            "ice-server", "ice-username", "ice-credential", "turn-secret", "turn-ttl", "max-viewers", "latency-budget", "playout-delay", "state-dir", "config",
            "allow-origin", "https-keystore", "https-password", "rtp-forward", "relay", "relay-key-file");
    private static final List<String> SWITCHES = List.of("no-auth", "https", "help", "version");

    public static StreamerOptions parse(String[] args) throws UsageException {
        Map<String, List<String>> cli = collect(args);
        Map<String, List<String>> merged = new LinkedHashMap<>();
        if (cli.containsKey("config")) {
            merged.putAll(readConfig(Path.of(last(cli, "config"))));
        }
        merged.putAll(cli); // the command line wins, flag by flag
        return build(merged);
    }

    private static Map<String, List<String>> collect(String[] args) throws UsageException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "' (options start with --; see --help)");
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (SWITCHES.contains(name)) {
                if (value != null) {
                    throw new UsageException("--" + name + " takes no value");
                }
                out.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
            } else if (VALUED.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new UsageException("--" + name + " needs a value (see --help)");
                    }
                    value = args[++i];
                }
                out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } else {
                throw new UsageException("unknown option --" + name + " (see --help)");
            }
        }
        return out;
    }

    static Map<String, List<String>> readConfig(Path file) throws UsageException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException("--config " + file + ": cannot read it (" + e.getMessage() + ")");
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        int number = 0;
        for (String raw : lines) {
            number++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String name = (eq < 0 ? line : line.substring(0, eq)).strip();
            String value = eq < 0 ? null : line.substring(eq + 1).strip();
            if (name.equals("config")) {
                throw new UsageException(file + " line " + number + ": a config file cannot include another");
            }
            if (SWITCHES.contains(name)) {
                if (value == null || value.equals("true") || value.equals("yes")) {
                    out.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
                }
            } else if (VALUED.contains(name)) {
                if (value == null || value.isEmpty()) {
                    throw new UsageException(file + " line " + number + ": '" + name + "' needs a value");
                }
                out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } else {
                throw new UsageException(file + " line " + number + ": unknown option '" + name + "'");
            }
        }
        return out;
    }

    private static StreamerOptions build(Map<String, List<String>> o) throws UsageException {
        String camera = o.containsKey("camera") ? last(o, "camera") : "auto";
        if (!(camera.equals("auto") || camera.equals("rpicam") || camera.equals("test-pattern")
                || camera.equals("test-pattern:road") || camera.startsWith("file:"))) {
            throw new UsageException("--camera must be auto, rpicam, test-pattern, test-pattern:road or file:PATH, got '"
                    + camera + "'");
        }
        if (camera.equals("file:")) {
            throw new UsageException("--camera file: needs a path, e.g. file:/home/pi/drive.h264");
        }
        int width = 640;
        int height = 480;
        if (o.containsKey("size")) {
            String size = last(o, "size").toLowerCase(Locale.ROOT);
            String[] wh = size.split("x");
            try {
                width = Integer.parseInt(wh[0]);
                height = Integer.parseInt(wh[1]);
                if (wh.length != 2) {
                    throw new NumberFormatException();
                }
            } catch (RuntimeException e) {
                throw new UsageException("--size must be WIDTHxHEIGHT, e.g. 640x480, got '" + last(o, "size") + "'");
            }
        }
        double fps = o.containsKey("fps") ? number(last(o, "fps"), "--fps", "a frame rate such as 30") : 30;
        int bitrate = o.containsKey("bitrate") ? bitrate(last(o, "bitrate")) : 1_500_000;
        int gop = o.containsKey("gop") ? (int) number(last(o, "gop"), "--gop", "a frame count such as 30") : (int) Math.round(fps);
        CameraSettings settings;
        try {
            settings = new CameraSettings(width, height, fps, bitrate, Math.max(1, gop));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        String host = "0.0.0.0";
        int port = 8080;
        if (o.containsKey("listen")) {
            InetSocketAddress listen = hostPort("--listen", last(o, "listen"), "0.0.0.0:8080", 0);
            host = listen.getHostString();
            port = listen.getPort();
        }
        boolean noAuth = o.containsKey("no-auth");
        String token = o.containsKey("token") ? last(o, "token") : null;
        if (noAuth && token != null) {
            throw new UsageException("--token and --no-auth contradict each other: choose one");
        }
        if (token != null && (token.length() < 8 || token.length() > 256 || !token.matches("[A-Za-z0-9._~+/=-]+"))) {
            throw new UsageException("--token must be 8..256 characters of letters, digits and ._~+/=-");
        }
        String user = o.containsKey("ice-username") ? last(o, "ice-username") : null;
        String credential = o.containsKey("ice-credential") ? last(o, "ice-credential") : null;
        List<IceServer> servers = new ArrayList<>();
        for (String url : o.getOrDefault("ice-server", List.of())) {
            try {
                servers.add(url.startsWith("turn:") ? new IceServer(url, user, credential) : new IceServer(url, null, null));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--ice-server: " + e.getMessage());
            }
        }
        String turnSecret = o.containsKey("turn-secret") ? last(o, "turn-secret") : null;
        long turnTtl = o.containsKey("turn-ttl") ? (long) number(last(o, "turn-ttl"), "--turn-ttl", "seconds such as 21600") : 21_600;
        if (turnTtl < 60) {
            throw new UsageException("--turn-ttl must be 60 seconds or more, got " + turnTtl);
        }
        for (IceServer s : servers) {
            if (s.isTurn() && !s.hasCredentials() && turnSecret == null) {
                throw new UsageException("--ice-server " + s.url() + ": a TURN server needs --ice-username and "
                        + "--ice-credential, or --turn-secret for short-lived credentials");
            }
        }
        int maxViewers = o.containsKey("max-viewers") ? (int) number(last(o, "max-viewers"), "--max-viewers", "1..64") : 8;
        if (maxViewers < 1 || maxViewers > 64) {
            throw new UsageException("--max-viewers must be 1..64, got " + maxViewers);
        }
        int budget = o.containsKey("latency-budget")
                ? (int) number(last(o, "latency-budget"), "--latency-budget", "150")
                : carsight.streamer.session.StreamerSettings.DEFAULT_LATENCY_BUDGET_MILLIS;
        if (budget < 20 || budget > 10_000) {
            throw new UsageException("--latency-budget must be 20..10000 ms, e.g. 150, got " + last(o, "latency-budget"));
        }
        int delayMin = 0;
        int delayMax = 0;
        if (o.containsKey("playout-delay")) {
            String[] mm = last(o, "playout-delay").split(",");
            try {
                delayMin = Integer.parseInt(mm[0].trim());
                delayMax = Integer.parseInt(mm[1].trim());
                if (mm.length != 2 || delayMin < 0 || delayMax < delayMin || delayMax > 40_950) {
                    throw new NumberFormatException();
                }
            } catch (RuntimeException e) {
                throw new UsageException("--playout-delay must be MIN,MAX in ms with 0 ≤ MIN ≤ MAX ≤ 40950, e.g. 0,0");
            }
        }
        Path state = o.containsKey("state-dir") ? Path.of(last(o, "state-dir")) : defaultStateDirectory();
        List<String> origins = new ArrayList<>();
        for (String origin : o.getOrDefault("allow-origin", List.of())) {
            if (!(origin.equals("*") || origin.matches("https?://[^/\\s]+/?"))) {
                throw new UsageException("--allow-origin must be * or scheme://host[:port] as a browser sends it, e.g. "
                        + "https://ops.example.net, got '" + origin + "'");
            }
            origins.add(origin);
        }
        Path keystore = o.containsKey("https-keystore") ? Path.of(last(o, "https-keystore")) : null;
        String keystorePassword = o.containsKey("https-password") ? last(o, "https-password") : null;
        if (keystorePassword != null && keystore == null) {
            throw new UsageException("--https-password goes with --https-keystore FILE");
        }
        boolean https = o.containsKey("https") || keystore != null;
        InetSocketAddress rtpForward = o.containsKey("rtp-forward")
                ? hostPort("--rtp-forward", last(o, "rtp-forward"), "127.0.0.1:5004", 1) : null;
        RelayAddress relay = null;
        if (o.containsKey("relay")) {
            try {
                relay = RelayAddress.parse(last(o, "relay"));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--relay: " + e.getMessage());
            }
        }
        Path relayKey = o.containsKey("relay-key-file") ? Path.of(last(o, "relay-key-file")) : null;
        if (relayKey != null && relay == null) {
            throw new UsageException("--relay-key-file goes with --relay janus+http://HOST:PORT/janus?mountpoint=ID");
        }
        return new StreamerOptions(camera, settings, host, port, token, noAuth, List.copyOf(servers), turnSecret, turnTtl, maxViewers, budget,
                delayMin, delayMax, state, List.copyOf(origins), https, keystore, keystorePassword, rtpForward, relay,
                relayKey, o.containsKey("help"), o.containsKey("version"));
    }

    /** HOST:PORT ([v6]:PORT) as an unresolved address, the port at least {@code minPort}. */
    private static InetSocketAddress hostPort(String flag, String text, String example, int minPort) throws UsageException {
        int colon = text.lastIndexOf(':');
        try {
            String host = text.substring(0, colon);
            int port = Integer.parseInt(text.substring(colon + 1));
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (host.isEmpty() || port < minPort || port > 65535) {
                throw new NumberFormatException();
            }
            return InetSocketAddress.createUnresolved(host, port);
        } catch (RuntimeException e) {
            throw new UsageException(flag + " must be HOST:PORT with a port of " + minPort + "..65535, e.g. " + example
                    + ", got '" + text + "'");
        }
    }

    static Path defaultStateDirectory() {
        String systemd = System.getenv("STATE_DIRECTORY");
        if (systemd != null && !systemd.isBlank()) {
            return Path.of(systemd.split(":")[0]);
        }
        return Path.of(System.getProperty("user.home"), ".local", "state", "carsight");
    }

    private static String last(Map<String, List<String>> o, String name) {
        List<String> values = o.get(name);
        return values.get(values.size() - 1);
    }

    private static double number(String text, String flag, String example) throws UsageException {
        try {
            double v = Double.parseDouble(text.trim());
            if (!Double.isFinite(v) || v <= 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new UsageException(flag + " must be a positive number, " + example + ", got '" + text + "'");
        }
    }

    static int bitrate(String text) throws UsageException {
        String t = text.trim().toLowerCase(Locale.ROOT);
        double factor = 1;
        if (t.endsWith("m")) {
            factor = 1_000_000;
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("k")) {
            factor = 1_000;
            t = t.substring(0, t.length() - 1);
        }
        try {
            double v = Double.parseDouble(t) * factor;
            if (!(v >= 50_000 && v <= 50_000_000)) {
                throw new NumberFormatException();
            }
            return (int) v;
        } catch (NumberFormatException e) {
            throw new UsageException("--bitrate must be 50k..50M bits per second, e.g. 1500000, 1.5M or 800k, got '" + text + "'");
        }
    }
}
