package carsight.console;

/**
 * Entry point of the operator console. Kept apart from the JavaFX {@code Application} so the fat jar starts on a
 * plain JDK with JavaFX on the class path.
 */
public final class Launcher {

    private Launcher() {
    }

    public static void main(String[] args) {
        System.err.println("carsight console: not built yet in this version; run the streamer (see README).");
        System.exit(2);
    }
}
