package carsight.console.video;

import carsight.protocol.clock.WallClock;
import carsight.console.peer.StreamerLink;
import dev.onvoid.webrtc.media.FourCC;
import dev.onvoid.webrtc.media.video.VideoBufferConverter;
import dev.onvoid.webrtc.media.video.VideoFrame;
import javafx.application.Platform;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelBuffer;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.StackPane;

import java.nio.ByteBuffer;
import java.util.concurrent.Semaphore;

/**
 * Shows the decoded video, aspect kept. Frames are converted I420 → BGRA off the JavaFX thread into one of two
 * buffers; the JavaFX thread only swaps the image and marks it dirty. While a converted frame waits to be shown,
 * newer decoded frames replace each other in the link (newest wins), so a slow screen never builds a queue.
 *
 * <p>A frame's screen time is taken in the pulse that draws it: after the image was updated, the next pulse lays the
 * scene out and hands it to the renderer, and its post-layout listener stamps the frame then. What that leaves out:
 * the renderer's own work (a few ms in software), the wait for the display's refresh and the monitor itself.
 */
public final class VideoPane extends StackPane {

    private static final System.Logger LOG = System.getLogger(VideoPane.class.getName());

    private final ImageView view = new ImageView();
    private final Thread converter;
    private final Semaphore frameReady = new Semaphore(0);
    private final Semaphore screenFree = new Semaphore(1);
    private volatile StreamerLink link;
    private volatile boolean running = true;
    private Surface[] surfaces;
    private int back;
    /** A frame whose image was updated and which the next pulse will draw (JavaFX thread only). */
    private StreamerLink.Frame onItsWay;
    private final Runnable pulse = this::drawn;

    /** One of the two images frames are drawn into. */
    private record Surface(int width, int height, ByteBuffer pixels, PixelBuffer<ByteBuffer> buffer, WritableImage image) {
        static Surface of(int width, int height) {
            ByteBuffer pixels = ByteBuffer.allocateDirect(width * height * 4);
            PixelBuffer<ByteBuffer> buffer = new PixelBuffer<>(width, height, pixels, PixelFormat.getByteBgraPreInstance());
            return new Surface(width, height, pixels, buffer, new WritableImage(buffer));
        }
    }

    public VideoPane() {
        getStyleClass().add("video-pane");
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

    public void attach(StreamerLink link) {
        this.link = link;
    }

    /** Called (from any thread) when the link has a new decoded frame. */
    public void frameReady() {
        frameReady.release();
    }

    private void convertLoop() {
        while (running) {
            try {
                frameReady.acquire();
                frameReady.drainPermits();
                screenFree.acquire(); // the previous frame has reached the screen
            } catch (InterruptedException e) {
                return;
            }
            StreamerLink current = link;
            StreamerLink.Frame frame = current == null ? null : current.takeNewestFrame();
            if (frame == null) {
                screenFree.release();
                continue;
            }
            try {
                VideoFrame video = frame.video();
                int width = video.buffer.getWidth();
                int height = video.buffer.getHeight();
                if (surfaces == null || surfaces[0].width() != width || surfaces[0].height() != height) {
                    surfaces = new Surface[]{Surface.of(width, height), Surface.of(width, height)};
                }
                Surface target = surfaces[back];
                back ^= 1;
                target.pixels().clear();
                VideoBufferConverter.convertFromI420(video.buffer, target.pixels(), FourCC.ARGB);
                Platform.runLater(() -> {
                    try {
                        target.buffer().updateBuffer(b -> null);
                        if (view.getImage() != target.image()) {
                            view.setImage(target.image());
                        }
                        onItsWay = frame; // stamped by the pulse that draws it
                    } catch (RuntimeException e) {
                        frame.discard();
                        screenFree.release();
                        throw e;
                    }
                });
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "video: cannot convert a frame: {0}", e.toString());
                frame.discard();
                screenFree.release();
            }
        }
    }

    /** Post-layout pulse listener: the frame updated before this pulse is drawn by it. */
    private void drawn() {
        StreamerLink.Frame frame = onItsWay;
        if (frame == null) {
            return;
        }
        onItsWay = null;
        try {
            frame.shown(WallClock.nowMicros());
        } finally {
            screenFree.release();
        }
    }

    public void stop() {
        running = false;
        converter.interrupt();
    }

}
