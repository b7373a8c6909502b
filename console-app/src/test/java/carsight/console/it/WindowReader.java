package carsight.console.it;

import carsight.console.Launcher;
import carsight.protocol.timecode.FrameTimecode;
import carsight.protocol.timecode.TimecodeWord;
import javafx.application.Platform;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Labeled;
import javafx.scene.control.TextInputControl;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.stage.Window;

import java.io.FileWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The real console (its own {@link Launcher}, its real window), plus a reader of what that window shows, for tests
 * that drive it with the keyboard and mouse from outside (xdotool on Xvfb). Four times a second it writes one line
 * to {@code -Dcarsight.window-reader=FILE}: the overlay's text, the status, the speed field, which control has the
 * keyboard, where the Connect button is on the screen, the browser panel's address, the timecode read from a
 * snapshot of the picture as drawn, the meter's big number and the stale-picture banner (empty while hidden).
 */
public final class WindowReader {

    public static void main(String[] args) {
        String out = System.getProperty("carsight.window-reader");
        Thread reader = new Thread(() -> read(out), "window-reader");
        reader.setDaemon(true);
        reader.start();
        Launcher.main(args);
    }

    private static void read(String out) {
        try (PrintWriter w = new PrintWriter(new FileWriter(out, true), true)) {
            while (true) {
                Thread.sleep(250);
                CompletableFuture<String> line = new CompletableFuture<>();
                try {
                    Platform.runLater(() -> {
                        try {
                            line.complete(describe());
                        } catch (RuntimeException e) {
                            line.complete("{\"error\":\"" + e.toString().replace("\"", "'") + "\"}");
                        }
                    });
                    w.println(line.get(5, TimeUnit.SECONDS));
                } catch (IllegalStateException e) {
                    // JavaFX is not up yet
                } catch (Exception e) {
                    w.println("{\"error\":\"" + e.toString().replace("\"", "'") + "\"}");
                }
            }
        } catch (IOException | InterruptedException e) {
            // the console is ending
        }
    }

    private static String describe() {
        Scene scene = Window.getWindows().stream().map(Window::getScene).filter(s -> s != null).findFirst().orElse(null);
        if (scene == null) {
            return "{\"window\":false}";
        }
        Node focus = scene.getFocusOwner();
        Node connect = scene.lookup("#connect");
        Bounds c = connect == null ? null : connect.localToScreen(connect.getBoundsInLocal());
        Node panel = scene.lookup("#browser-panel");
        Node addressField = scene.lookup("#address");
        Bounds a = addressField == null ? null : addressField.localToScreen(addressField.getBoundsInLocal());
        Node video = scene.lookup("#video");
        Bounds v = video == null ? null : video.localToScreen(video.getBoundsInLocal());
        return String.format(Locale.ROOT, "{\"at\":%d,\"overlay\":%s,\"status\":%s,\"speed\":%s,\"focus\":%s,"
                        + "\"connectX\":%.0f,\"connectY\":%.0f,\"addressX\":%.0f,\"addressY\":%.0f,\"videoX\":%.0f,"
                        + "\"videoY\":%.0f,\"addressError\":%s,\"browserPanel\":%s,\"browserUrl\":%s,\"timecode\":%s,"
                        + "\"latency\":%s,\"stale\":%s}",
                System.currentTimeMillis(), text(scene, "#distance"), text(scene, "#status"), text(scene, "#speed"),
                json(focus == null ? "" : focus.getId() == null ? focus.getClass().getSimpleName() : focus.getId()),
                c == null ? -1 : c.getCenterX(), c == null ? -1 : c.getCenterY(),
                a == null ? -1 : a.getCenterX(), a == null ? -1 : a.getCenterY(),
                v == null ? -1 : v.getCenterX(), v == null ? -1 : v.getCenterY(), text(scene, "#address-error"),
                panel != null && panel.isVisible(), text(scene, "#browser-url"), timecode(scene), text(scene, "#latency"),
                visible(scene, "#stale") ? text(scene, "#stale") : "\"\"");
    }

    /** The timecode in the picture as drawn: a snapshot of the video's image view, read at its displayed size. */
    private static String timecode(Scene scene) {
        Node video = scene.lookup("#video");
        if (!(video instanceof javafx.scene.Parent p) || p.getChildrenUnmodifiable().isEmpty()
                || !(p.getChildrenUnmodifiable().get(0) instanceof ImageView view) || view.getImage() == null) {
            return "null";
        }
        WritableImage shot = view.snapshot(null, null);
        PixelReader pixels = shot.getPixelReader();
        // the cells are laid out on the picture's own pixels: read them where they landed on the screen
        int frameWidth = (int) view.getImage().getWidth();
        double scaleX = shot.getWidth() / frameWidth;
        double scaleY = shot.getHeight() / view.getImage().getHeight();
        Optional<TimecodeWord.Timecode> tc = FrameTimecode.read((x, y) -> {
            int sx = (int) Math.min(shot.getWidth() - 1, Math.round((x + 0.5) * scaleX - 0.5));
            int sy = (int) Math.min(shot.getHeight() - 1, Math.round((y + 0.5) * scaleY - 0.5));
            int argb = pixels.getArgb(sx, sy);
            return (int) Math.round(0.299 * ((argb >> 16) & 0xFF) + 0.587 * ((argb >> 8) & 0xFF) + 0.114 * (argb & 0xFF));
        }, frameWidth);
        return tc.map(t -> String.valueOf(t.captureTimeNear(System.currentTimeMillis() * 1000L))).orElse("null");
    }

    private static boolean visible(Scene scene, String selector) {
        Node node = scene.lookup(selector);
        return node != null && node.isVisible();
    }

    private static String text(Scene scene, String selector) {
        Node node = scene.lookup(selector);
        if (node instanceof Labeled l) {
            return json(l.getText());
        }
        if (node instanceof TextInputControl t) {
            return json(t.getText());
        }
        return "null";
    }

    private static String json(String s) {
        return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
