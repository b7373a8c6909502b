package carsight.console;

import carsight.console.ui.ConsoleApp;
import carsight.protocol.demo.DemoStreamer;
import carsight.protocol.log.LogFormat;
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
            DemoStreamer streamer = DemoStreamer.find().orElse(null);
            if (streamer == null) {
                System.err.println("carsight-console: --demo needs the streamer's jar on the class path (carsight-console.jar"
                        + " and the installed console carry it); connect to a streamer with --streamer instead");
                System.exit(1);
                return;
            }
            try {
                URI address = streamer.start(1280, 720, 30);
                ConsoleApp.demoStreamer = streamer;
                options = new ConsoleOptions(address, "", true,
                        options.speed(), options.speedUnit(), options.durationSeconds(), options.report(),
                        options.thresholds(), null, false);
                System.err.println("carsight-console: demo streamer (test pattern 1280x720@30) on " + address);
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
