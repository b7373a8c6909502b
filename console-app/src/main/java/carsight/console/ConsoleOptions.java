package carsight.console;

import carsight.protocol.relay.RelayAddress;
import carsight.protocol.speed.DistanceLevel;
import carsight.protocol.speed.Speed;
import carsight.protocol.speed.SpeedFormatException;
import carsight.protocol.speed.SpeedUnit;

import java.net.URI;
import java.nio.file.Path;

/** The console's command line. */
public record ConsoleOptions(URI connect, String token, boolean demo, Speed speed, SpeedUnit speedUnit,
                             int durationSeconds, Path report, DistanceLevel.Thresholds thresholds, String fingerprint,
                             boolean help) {

    /** What the top bar and {@code --connect} say when an address cannot be a streamer's. */
    public static final String ADDRESS_FORM = "a streamer address looks like http://192.168.1.50:8080 "
            + "(or https://… for one run with --https), a relay's like " + RelayAddress.EXAMPLE;

    /**
     * A streamer's address as typed: {@code http://HOST:PORT} or {@code https://HOST:PORT} ({@code http://} is assumed
     * when no scheme is given), or a relay's ({@link RelayAddress}: {@code janus+http://HOST:PORT/janus?mountpoint=ID}).
     *
     * @throws IllegalArgumentException saying what a valid address looks like
     */
    public static URI streamerAddress(String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("no address: " + ADDRESS_FORM);
        }
        if (RelayAddress.looksLikeRelay(t)) {
            return URI.create(RelayAddress.parse(t).toString());
        }
        URI uri;
        try {
            uri = new URI(t.contains("://") ? t : "http://" + t);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("'" + t + "' is not an address: " + ADDRESS_FORM);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("'" + t + "' does not start with http:// or https://: " + ADDRESS_FORM);
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new IllegalArgumentException("'" + t + "' names no host: " + ADDRESS_FORM);
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw new IllegalArgumentException("'" + t + "' has no usable port: " + ADDRESS_FORM);
        }
        return URI.create(scheme + "://" + (uri.getHost().contains(":") && !uri.getHost().startsWith("[")
                ? "[" + uri.getHost() + "]" : uri.getHost()) + (uri.getPort() > 0 ? ":" + uri.getPort() : ""));
    }

    public static final String HELP = """
            Usage: carsight-console [options]

              --connect URL        the streamer, e.g. http://192.168.1.50:8080, or a relay the car publishes to,
                                   e.g. janus+http://relay.example.net:8088/janus?mountpoint=7 (remembered)
              --token TOKEN        its access token (remembered)
              --fingerprint FP     an https:// streamer's certificate SHA-256 fingerprint, as the streamer printed it
                                   (otherwise the first certificate seen is pinned and shown)
              --demo               start a streamer on the built-in test pattern inside the console and watch it
              --speed SPEED        vehicle speed, e.g. 50km/h, 31mph, 13.9m/s (default unit km/h)
              --duration SECONDS   run this long, then exit (unattended runs)
              --report FILE.json   with --duration: write what the meter saw to FILE.json at the end
              --thresholds G,A     blind distance colours: green up to G metres, amber up to A, red beyond (1,3)
              --help               this text

            Keys: S speed field (Enter uses the speed, Esc keeps the old one) · B open the browser viewer (its
            address, token and QR code are shown too) · F11 fullscreen · Esc leave fullscreen
            """;

    public static ConsoleOptions parse(String[] args) throws IllegalArgumentException {
        URI connect = null;
        String token = null;
        boolean demo = false;
        Speed speed = null;
        SpeedUnit speedUnit = null;
        int duration = 0;
        Path report = null;
        DistanceLevel.Thresholds thresholds = DistanceLevel.Thresholds.defaults();
        boolean help = false;
        String fingerprint = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "--demo" -> demo = true;
                case "--help", "-h" -> help = true;
                case "--connect", "--token", "--speed", "--duration", "--report", "--thresholds", "--fingerprint" -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException(arg + " needs a value (see --help)");
                        }
                        value = args[++i];
                    }
                    switch (arg) {
                        case "--connect" -> {
                            try {
                                connect = streamerAddress(value);
                            } catch (IllegalArgumentException e) {
                                throw new IllegalArgumentException("--connect: " + e.getMessage());
                            }
                        }
                        case "--token" -> token = value;
                        case "--fingerprint" -> {
                            try {
                                fingerprint = carsight.receiver.CertificatePins.normalize(value);
                            } catch (IllegalArgumentException e) {
                                throw new IllegalArgumentException("--fingerprint: " + e.getMessage());
                            }
                        }
                        case "--speed" -> {
                            try {
                                speed = Speed.parse(value);
                                speedUnit = Speed.unitOf(value, SpeedUnit.KMH);
                            } catch (SpeedFormatException e) {
                                throw new IllegalArgumentException("--speed: " + e.getMessage());
                            }
                        }
                        case "--duration" -> {
                            try {
                                duration = Integer.parseInt(value);
                                if (duration <= 0) {
                                    throw new NumberFormatException();
                                }
                            } catch (NumberFormatException e) {
                                throw new IllegalArgumentException("--duration must be a positive number of seconds");
                            }
                        }
                        case "--thresholds" -> {
                            try {
                                String[] ga = value.split(",");
                                thresholds = new DistanceLevel.Thresholds(Double.parseDouble(ga[0]), Double.parseDouble(ga[1]));
                            } catch (RuntimeException e) {
                                throw new IllegalArgumentException("--thresholds must be GREEN,AMBER in metres with GREEN ≤ AMBER, e.g. 1,3");
                            }
                        }
                        default -> report = Path.of(value);
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + arg + " (see --help)");
            }
        }
        if (report != null && duration == 0) {
            throw new IllegalArgumentException("--report needs --duration SECONDS");
        }
        if (demo && connect != null) {
            throw new IllegalArgumentException("--demo and --connect contradict each other: choose one");
        }
        if (fingerprint != null && (connect == null || !connect.getScheme().equals("https"))) {
            throw new IllegalArgumentException("--fingerprint goes with --connect https://…");
        }
        return new ConsoleOptions(connect, token, demo, speed, speedUnit, duration, report, thresholds, fingerprint, help);
    }
}
