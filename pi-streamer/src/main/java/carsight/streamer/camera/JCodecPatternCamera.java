package carsight.streamer.camera;

import carsight.protocol.clock.WallClock;
import carsight.streamer.h264.AccessUnit;
import carsight.streamer.h264.AccessUnitFramer;
import org.jcodec.codecs.h264.H264Encoder;
import org.jcodec.common.VideoEncoder;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The test pattern for machines without ffmpeg: the same frames ({@link TestPatternPainter}), encoded in pure Java by
 * JCodec. Far slower than x264 — so it runs at a lower frame rate — and its SPS lacks the constrained-baseline flags,
 * but every receiver we serve decodes it, and it can make a keyframe on request.
 */
public final class JCodecPatternCamera implements Camera {

    private static final System.Logger LOG = System.getLogger(JCodecPatternCamera.class.getName());
    /** What JCodec keeps up with on a desktop core at 640x480 (about 24 fps measured), with headroom. */
    public static final double MAX_FPS = 10;

    private final CameraSettings settings;
    private final double fps;
    private final AtomicBoolean keyframeWanted = new AtomicBoolean();
    private volatile boolean running;
    private Thread thread;

    public JCodecPatternCamera(CameraSettings settings) {
        this.settings = settings;
        this.fps = Math.min(settings.fps(), MAX_FPS);
    }

    @Override
    public synchronized void start(Listener listener) {
        if (running) {
            throw new IllegalStateException("camera already started");
        }
        running = true;
        LOG.log(System.Logger.Level.WARNING, "camera: ffmpeg not found — test pattern encoded by JCodec (pure Java) at "
                + "{0} fps instead of {1}; install ffmpeg for full rate and low latency", fps, settings.fps());
        thread = new Thread(() -> run(listener), "camera-jcodec");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(Listener listener) {
        int width = settings.width();
        int height = settings.height();
        TestPatternPainter painter = new TestPatternPainter(width, height);
        H264Encoder encoder = H264Encoder.createH264Encoder();
        encoder.setKeyInterval(settings.gopFrames());
        Picture picture = Picture.create(width, height, ColorSpace.YUV420J);
        ByteBuffer out = ByteBuffer.allocate(width * height * 3);
        AccessUnitFramer framer = new AccessUnitFramer();
        long interval = (long) (1_000_000_000L / fps);
        long next = System.nanoTime();
        long counter = 0;
        listener.onState(CameraState.RUNNING, describe());
        while (running) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            next += interval;
            long capture = WallClock.nowMicros();
            toYuv420(painter.paint(capture, counter), width, height, picture);
            out.clear();
            ByteBuffer encoded = keyframeWanted.getAndSet(false) || counter == 0
                    ? encoder.encodeIDRFrame(picture, out)
                    : encoder.encodeFrame(picture, out).getData();
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            // the encoder returns whole pictures: each ends where its bytes end
            List<AccessUnit> units = new ArrayList<>(framer.feed(bytes));
            units.addAll(framer.endOfFrame());
            for (AccessUnit unit : units) {
                listener.onFrame(new EncodedFrame(unit, capture, counter));
            }
            counter++;
        }
        listener.onState(CameraState.STOPPED, "test pattern stopped");
    }

    /** 0x00RRGGBB → limited-range BT.601 YUV 4:2:0, as JCodec wants it (samples stored minus 128). */
    static void toYuv420(int[] rgb, int width, int height, Picture picture) {
        byte[] y = picture.getPlaneData(0);
        byte[] u = picture.getPlaneData(1);
        byte[] v = picture.getPlaneData(2);
        for (int row = 0; row < height; row++) {
            for (int col = 0; col < width; col++) {
                int p = rgb[row * width + col];
                int r = (p >> 16) & 0xFF;
                int g = (p >> 8) & 0xFF;
                int b = p & 0xFF;
                y[row * width + col] = (byte) (((66 * r + 129 * g + 25 * b + 128) >> 8) + 16 - 128);
            }
        }
        int cw = width / 2;
        for (int row = 0; row < height / 2; row++) {
            for (int col = 0; col < cw; col++) {
                int p = rgb[(row * 2) * width + col * 2];
                int r = (p >> 16) & 0xFF;
                int g = (p >> 8) & 0xFF;
                int b = p & 0xFF;
                u[row * cw + col] = (byte) (((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128 - 128);
                v[row * cw + col] = (byte) (((112 * r - 94 * g - 18 * b + 128) >> 8) + 128 - 128);
            }
        }
    }

    @Override
    public boolean requestKeyframe() {
        keyframeWanted.set(true);
        return true;
    }

    @Override
    public String describe() {
        return "test pattern (JCodec) " + settings.width() + "x" + settings.height() + "@" + fps;
    }

    @Override
    public synchronized void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
