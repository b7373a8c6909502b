package carsight.streamer;

import carsight.protocol.log.LogFormat;
import carsight.streamer.camera.Camera;
import carsight.streamer.camera.CameraException;
import carsight.streamer.camera.CameraFactory;
import carsight.streamer.cli.StreamerOptions;
import carsight.streamer.cli.TokenStore;
import carsight.streamer.cli.UsageException;
import carsight.streamer.http.TokenCheck;
import carsight.streamer.ice.IceConfig;
import carsight.streamer.session.StreamerSettings;

import java.io.IOException;
import java.net.InetSocketAddress;

/** {@code carsight-streamer}: the command line entry point. */
public final class Main {

    public static final String VERSION = "0.1.0";

    private Main() {
    }

    public static void main(String[] args) {
        LogFormat.install();
        StreamerOptions options;
        try {
            options = StreamerOptions.parse(args);
        } catch (UsageException e) {
            System.err.println("carsight-streamer: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(StreamerOptions.HELP);
            return;
        }
        if (options.version()) {
            System.out.println("carsight-streamer " + VERSION);
            return;
        }
        try {
            run(options);
        } catch (CameraException | IOException e) {
            System.err.println("carsight-streamer: " + e.getMessage());
            System.exit(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void run(StreamerOptions options) throws IOException, InterruptedException {
        TokenCheck tokens;
        String token = null;
        if (options.noAuth()) {
            tokens = TokenCheck.disabled();
        } else {
            token = options.token() != null ? options.token() : TokenStore.loadOrCreate(options.stateDirectory());
            tokens = TokenCheck.requiring(token);
        }
        carsight.streamer.http.TlsIdentity tls = null;
        if (options.https()) {
            tls = options.httpsKeystore() != null
                    ? carsight.streamer.http.TlsIdentity.fromKeystore(options.httpsKeystore(), options.httpsPassword())
                    : carsight.streamer.http.TlsIdentity.loadOrCreate(options.stateDirectory());
        }
        Camera camera = CameraFactory.create(options.camera(), options.cameraSettings());
        Streamer streamer = new Streamer(camera, options.cameraSettings(),
                new StreamerSettings(options.maxViewers(), options.latencyBudgetMillis(), options.playoutDelayMinMillis(), options.playoutDelayMaxMillis(),
                        options.allowedOrigins(), tls == null ? null : tls.sslContext()),
                new IceConfig(options.iceServers(), 0, 0, options.turnSecret(), options.turnTtlSeconds()), options.listenHost(), options.listenPort(), tokens);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("carsight-streamer: stopping, saying bye to viewers");
            streamer.close();
        }, "shutdown"));
        if (options.rtpForward() != null) {
            streamer.forwardRtp(new InetSocketAddress(options.rtpForward().getHostString(), options.rtpForward().getPort()));
        }
        streamer.start(10_000);
        if (options.relay() != null) {
            String adminKey = null;
            if (options.relayKeyFile() != null) {
                try {
                    adminKey = java.nio.file.Files.readString(options.relayKeyFile()).strip();
                } catch (IOException e) {
                    throw new IOException("--relay-key-file " + options.relayKeyFile() + ": cannot read it ("
                            + e.getMessage() + ")");
                }
            }
            streamer.publishTo(options.relay(), adminKey,
                    TokenStore.loadOrCreate(options.stateDirectory(), "relay-secret"));
            System.out.println("  relay:       publishing to " + options.relay());
        }
        String host = options.listenHost().equals("0.0.0.0") ? "<this-machine>" : options.listenHost();
        System.out.println("carsight-streamer " + VERSION + " listening on " + options.listenHost() + ":" + streamer.port()
                + (tls == null ? "" : " (HTTPS/WSS)"));
        // the token goes to a terminal only: under systemd stdout is the journal, and no secret belongs in a log
        boolean terminal = System.console() != null;
        String page = (tls == null ? "http://" : "https://") + host + ":" + streamer.port() + "/";
        if (tls != null) {
            System.out.println("  TLS:         " + tls.source() + ", SHA-256 fingerprint " + tls.fingerprint());
        }
        if (token == null) {
            System.out.println("  viewer page: " + page);
            System.out.println("  token:       none (--no-auth): anyone who reaches this port can watch");
        } else if (terminal) {
            System.out.println("  viewer page: " + page + "#token=" + token);
            System.out.println("  token:       " + token);
        } else {
            System.out.println("  viewer page: " + page + " (add #token=TOKEN)");
            System.out.println("  token:       " + (options.token() != null ? "as configured (--token)"
                    : "in " + options.stateDirectory().resolve("token") + " (not written to logs)"));
        }
        System.out.flush();
        Thread.currentThread().join();
    }
}
