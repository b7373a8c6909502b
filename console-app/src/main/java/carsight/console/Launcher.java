package carsight.console;

import carsight.console.ui.ConsoleApp;
import carsight.streamer.LogFormat;
import carsight.streamer.Streamer;
import carsight.streamer.camera.Camera;
import carsight.streamer.camera.CameraFactory;
import carsight.streamer.camera.CameraSettings;
import carsight.streamer.http.TokenCheck;
import carsight.streamer.ice.IceConfig;
import carsight.streamer.session.StreamerSettings;
import javafx.application.Application;

import java.net.URI;

/**
 * Entry point of the operator console. Kept apart from the JavaFX {@code Application} so the fat jar starts on a
 * plain JDK with JavaFX on the class path.
 */
public final class Launcher {

    private Launcher() {
    }

    /**
     * JavaFX pulses (layout and hand-over to the renderer) at 120 Hz instead of its 60: a decoded frame waits for the
     * next pulse to be drawn, on average half a pulse — 4 ms instead of 8 — and pulses with nothing changed cost
     * little. An operator's own {@code -Djavafx.animation.pulse} wins.
     */
    static final String PULSE_HZ = "120";

    public static void main(String[] args) {
        if (System.getProperty("javafx.animation.pulse") == null) {
            System.setProperty("javafx.animation.pulse", PULSE_HZ);
        }
        LogFormat.install();
        ConsoleOptions options;
        try {
            options = ConsoleOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("carsight-console: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(ConsoleOptions.HELP);
            return;
        }
        if (options.demo()) {
            try {
                CameraSettings settings = new CameraSettings(1280, 720, 30, 4_000_000, 30);
                Camera camera = CameraFactory.create("test-pattern", settings);
                Streamer streamer = new Streamer(camera, settings, StreamerSettings.defaults(), IceConfig.hostOnly(),
                        "127.0.0.1", 0, TokenCheck.disabled());
                streamer.start(10_000);
                ConsoleApp.demoStreamer = streamer;
                options = new ConsoleOptions(URI.create("http://127.0.0.1:" + streamer.port()), "", true,
                        options.speed(), options.speedUnit(), options.durationSeconds(), options.report(),
                        options.thresholds(), null, false);
                System.err.println("carsight-console: demo streamer (test pattern 1280x720@30) on http://127.0.0.1:" + streamer.port());
            } catch (Exception e) {
                System.err.println("carsight-console: cannot start the demo streamer: " + e.getMessage());
                System.exit(1);
                return;
            }
        }
        ConsoleApp.options = options;
        Application.launch(ConsoleApp.class);
    }
}
