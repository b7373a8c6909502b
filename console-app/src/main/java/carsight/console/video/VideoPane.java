package carsight.console.video;

import carsight.protocol.clock.WallClock;
import javafx.application.Platform;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelBuffer;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.StackPane;

import java.nio.ByteBuffer;
import java.util.concurrent.Semaphore;

/**
 * Shows the decoded video, aspect kept. Pictures are converted to BGRA off the JavaFX thread into one of two
 * buffers; the JavaFX thread only swaps the image and marks it dirty. While a converted picture waits to be shown,
 * newer decoded ones replace each other in the source (newest wins), so a slow screen never builds a queue.
 *
 * <p>A picture's screen time is taken in the pulse that draws it: after the image was updated, the next pulse lays the
 * scene out and hands it to the renderer, and its post-layout listener stamps the picture then. What that leaves
 * out: the renderer's own work (a few ms in software), the wait for the display's refresh and the monitor itself.
 *
 * <p>The hand-off never stalls: whatever a picture does when told it was shown or discarded, the converter gets its
 * turn back; a picture from a source that has been replaced meanwhile (the operator reconnected) is discarded.
 */
public final class VideoPane extends StackPane {

    private static final System.Logger LOG = System.getLogger(VideoPane.class.getName());

    private final ImageView view = new ImageView();
    private final Thread converter;
    private final Semaphore frameReady = new Semaphore(0);
    private final Semaphore screenFree = new Semaphore(1);
    private volatile Picture.Source source;
    private volatile boolean running = true;
    private Surface[] surfaces;
    private int back;
    /** A picture whose image was updated and which the next pulse will draw (JavaFX thread only). */
    private OnItsWay onItsWay;
    private final Runnable pulse = this::drawn;

    private record OnItsWay(Picture picture, Picture.Source source) {
    }

    /** One of the two images pictures are drawn into. */
    private record Surface(int width, int height, ByteBuffer pixels, PixelBuffer<ByteBuffer> buffer, WritableImage image) {
        static Surface of(int width, int height) {
            ByteBuffer pixels = ByteBuffer.allocateDirect(width * height * 4);
            PixelBuffer<ByteBuffer> buffer = new PixelBuffer<>(width, height, pixels, PixelFormat.getByteBgraPreInstance());
            return new Surface(width, height, pixels, buffer, new WritableImage(buffer));
        }
    }

    public VideoPane() {
        getStyleClass().add("video-pane");
        setId("video");
        setFocusTraversable(true);
        view.setPreserveRatio(true);
        view.setSmooth(true);
        view.fitWidthProperty().bind(widthProperty());
        view.fitHeightProperty().bind(heightProperty());
        getChildren().add(view);
        setMinSize(160, 90);
        sceneProperty().addListener((obs, old, scene) -> {
            if (old != null) {
                old.removePostLayoutPulseListener(pulse);
            }
            if (scene != null) {
                scene.addPostLayoutPulseListener(pulse);
            }
        });
        converter = new Thread(this::convertLoop, "video-convert");
        converter.setDaemon(true);
        converter.start();
    }

    /** Shows pictures from {@code next} from now on; one still on its way from the previous source is dropped. */
    public void attach(Picture.Source next) {
        this.source = next;
        frameReady();
    }

    /** Called (from any thread) when the source has a new decoded picture. */
    public void frameReady() {
        frameReady.release();
    }

    private void convertLoop() {
        while (running) {
            try {
                frameReady.acquire();
                frameReady.drainPermits();
                screenFree.acquire(); // the previous picture has been drawn or dropped
            } catch (InterruptedException e) {
                return;
            }
            Picture.Source from = source;
            Picture picture = null;
            try {
                picture = from == null ? null : from.takeNewest();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "video: cannot take a frame: {0}", e.toString());
            }
            if (picture == null) {
                screenFree.release();
                continue;
            }
            try {
                int width = picture.width();
                int height = picture.height();
                if (surfaces == null || surfaces[0].width() != width || surfaces[0].height() != height) {
                    surfaces = new Surface[]{Surface.of(width, height), Surface.of(width, height)};
                }
                Surface target = surfaces[back];
                back ^= 1;
                target.pixels().clear();
                picture.writeBgra(target.pixels());
                Picture converted = picture;
                Platform.runLater(() -> update(target, converted, from));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "video: cannot convert a frame: {0}", e.toString());
                release(picture, false, 0);
                screenFree.release();
            }
        }
    }

    /** JavaFX thread: the new image; the pulse that draws it stamps the picture. */
    private void update(Surface target, Picture picture, Picture.Source from) {
        try {
            target.buffer().updateBuffer(b -> null);
            if (view.getImage() != target.image()) {
                view.setImage(target.image());
            }
            if (onItsWay != null) { // cannot happen (one picture at a time), but never lose a permit over it
                release(onItsWay.picture(), false, 0);
                screenFree.release();
            }
            onItsWay = new OnItsWay(picture, from);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "video: cannot show a frame: {0}", e.toString());
            release(picture, false, 0);
            screenFree.release();
        }
    }

    /** Post-layout pulse listener: the picture updated before this pulse is drawn by it. */
    private void drawn() {
        OnItsWay drawn = onItsWay;
        if (drawn == null) {
            return;
        }
        onItsWay = null;
        try {
            release(drawn.picture(), drawn.source() == source, WallClock.nowMicros());
        } finally {
            screenFree.release();
        }
    }

    /** Reports a picture shown (when its source is still the current one) or discarded; never throws. */
    private static void release(Picture picture, boolean shown, long screenMicros) {
        try {
            if (shown) {
                picture.shown(screenMicros);
            } else {
                picture.discard();
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "video: a frame could not be released: {0}", e.toString());
        }
    }

    public void stop() {
        running = false;
        converter.interrupt();
    }
}
