package carsight.streamer.camera;

import carsight.protocol.clock.WallClock;
import carsight.streamer.flv.FlvAvc;
import carsight.streamer.flv.FlvTagReader;
import carsight.streamer.h264.AccessUnit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The built-in camera for demos and tests: frames drawn in Java ({@link TestPatternPainter}, with the frame
 * timecode) and encoded by an {@code ffmpeg} child process with x264 tuned for zero latency, Constrained Baseline,
 * SPS/PPS repeated before every IDR. A frame's capture time is when it was drawn; x264 with {@code zerolatency}
 * returns exactly one access unit per input frame, in order, so capture times are matched to output by a FIFO.
 *
 * <p>ffmpeg writes FLV, not a raw Annex-B stream: each picture is one tag that states its length, flushed as soon as
 * it is encoded, so a picture is handed on the moment its last byte arrives — however large, however many slices —
 * instead of when the next picture's start code comes a frame interval later.
 *
 * <p>A new bitrate ({@link #changeBitrate}) starts a second encoder; the drawing moves to it at the next frame and
 * the first one finishes the frames it has, so the pictures go on without a gap: the new encoder's first picture is
 * a keyframe. Its buffer (VBV) holds about three frames, so a keyframe stays a few frames' worth of bytes — what a
 * narrow path can carry within the latency budget.
 */
public final class TestPatternCamera implements Camera {

    private static final System.Logger LOG = System.getLogger(TestPatternCamera.class.getName());

    private final CameraSettings settings;
    private final String ffmpeg;
    private final Object delivery = new Object();
    private volatile boolean running;
    private volatile Encoder current;
    /** The encoder being replaced, until the drawing has moved on (stopped with the camera if it never has). */
    private volatile Encoder previous;
    private volatile int bitrateBps;
    private Listener listener;
    private Thread drawThread;
    private long sequence;
    private boolean announced;

    private final boolean road;

    public TestPatternCamera(CameraSettings settings, String ffmpegPath) {
        this(settings, ffmpegPath, false);
    }

    /** @param road draw the road scene (texture and motion that use the bitrate) instead of the plain pattern */
    public TestPatternCamera(CameraSettings settings, String ffmpegPath, boolean road) {
        this.settings = settings;
        this.ffmpeg = ffmpegPath;
        this.road = road;
        this.bitrateBps = settings.bitrateBps();
    }

    List<String> command(int bitrate) {
        long vbv = Math.max(20_000, (long) (bitrate * 3 / settings.fps()));
        return x264(ffmpeg, settings.width(), settings.height(), settings.fps(), bitrate, vbv, settings.gopFrames());
    }

    /**
     * ffmpeg taking raw BGR0 pictures on stdin and writing x264's (zerolatency, Constrained Baseline, SPS/PPS before
     * every IDR, a keyframe every {@code gop} frames) as FLV on stdout, one tag a picture, flushed at once. The rate
     * buffer ({@code vbvBits}) bounds how far one picture may exceed the average: a few frames keeps keyframes small.
     */
    static List<String> x264(String ffmpeg, int width, int height, double fps, int bitrate, long vbvBits, int gop) {
        return List.of(ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin",
                "-f", "rawvideo", "-pix_fmt", "bgr0", "-s", width + "x" + height,
                "-framerate", String.valueOf(fps), "-i", "pipe:0",
                "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-profile:v", "baseline",
                "-pix_fmt", "yuv420p", "-b:v", String.valueOf(bitrate),
                "-maxrate", String.valueOf(bitrate), "-bufsize", String.valueOf(vbvBits),
                "-g", String.valueOf(gop), "-keyint_min", String.valueOf(gop),
                "-x264-params", "repeat-headers=1:scenecut=0",
                "-flush_packets", "1", "-f", "flv", "pipe:1");
    }

    @Override
    public synchronized void start(Listener listener) {
        if (running) {
            throw new IllegalStateException("camera already started");
        }
        this.listener = listener;
        try {
            current = new Encoder(bitrateBps);
        } catch (IOException e) {
            listener.onState(CameraState.FAILED, "cannot start ffmpeg: " + e.getMessage());
            throw new CameraException("test pattern: cannot start '" + ffmpeg + "': " + e.getMessage()
                    + " — install the ffmpeg package", e);
        }
        running = true;
        listener.onState(CameraState.STARTING, describe());
        LOG.log(System.Logger.Level.INFO, "camera: test pattern {0}, encoded by ffmpeg/x264 (zerolatency, baseline)",
                settings.describe());
        drawThread = daemon("camera-test-pattern-draw", this::draw);
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** One ffmpeg process: what was drawn for it, in order, and the thread that reads its pictures. */
    private final class Encoder {
        final Process process;
        final int bitrate;
        final BlockingQueue<Long> drawn = new ArrayBlockingQueue<>(256);
        volatile boolean retired;

        Encoder(int bitrate) throws IOException {
            this.bitrate = bitrate;
            this.process = new ProcessBuilder(command(bitrate)).redirectError(ProcessBuilder.Redirect.PIPE).start();
            daemon("camera-test-pattern-read", this::read);
            daemon("camera-test-pattern-log", this::logErrors);
        }

        /** Takes no more frames: ffmpeg encodes what it has and exits. */
        void retire() {
            retired = true;
            try {
                process.getOutputStream().close();
            } catch (IOException ignored) {
                // already gone
            }
        }

        private void read() {
            FlvTagReader reader = new FlvTagReader();
            FlvAvc avc = new FlvAvc();
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = process.getInputStream()) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    for (FlvTagReader.Tag tag : reader.feed(buffer, 0, n)) {
                        AccessUnit unit = avc.picture(tag);
                        if (unit != null) {
                            Long capture = drawn.poll();
                            deliver(unit, capture == null ? WallClock.nowMicros() : capture);
                        }
                    }
                }
            } catch (IOException e) {
                // the process ended; reported below
            } catch (IllegalStateException e) {
                LOG.log(System.Logger.Level.ERROR, "camera: test pattern encoder wrote something unexpected: {0}",
                        e.getMessage());
                process.destroy();
            }
            if (retired || !running) {
                return; // replaced by an encoder at another bitrate, or stopped
            }
            String reason = "ffmpeg exited" + exitCode();
            LOG.log(System.Logger.Level.ERROR, "camera: test pattern encoder died: {0}", reason);
            listener.onState(CameraState.FAILED, reason);
        }

        private String exitCode() {
            try {
                return process.waitFor(1, TimeUnit.SECONDS) ? " with code " + process.exitValue() : "";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "";
            }
        }

        private void logErrors() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    LOG.log(System.Logger.Level.WARNING, "camera: ffmpeg: {0}", line);
                }
            } catch (IOException e) {
                // process gone
            }
        }

        void stop() {
            process.destroy();
            try {
                if (!process.waitFor(2, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Hands pictures on in one sequence, whichever encoder made them (the old one's last ones come first). */
    private void deliver(AccessUnit unit, long capture) {
        synchronized (delivery) {
            if (!running) {
                return;
            }
            if (!announced) {
                listener.onState(CameraState.RUNNING, describe());
                announced = true;
            }
            listener.onFrame(new EncodedFrame(unit, capture, sequence++));
        }
    }

    private void draw() {
        TestPatternPainter painter = new TestPatternPainter(settings.width(), settings.height(), road);
        ByteBuffer bytes = ByteBuffer.allocate(settings.width() * settings.height() * 4).order(ByteOrder.LITTLE_ENDIAN);
        long intervalNanos = (long) (1_000_000_000L / settings.fps());
        long next = System.nanoTime();
        long counter = 0;
        Encoder using = current;
        while (running) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            next += intervalNanos;
            if (System.nanoTime() - next > 1_000_000_000L) {
                next = System.nanoTime();
            }
            Encoder target = current;
            if (target != using) {
                using.retire(); // from the next frame on, the new encoder: the old one finishes what it has
                using = target;
            }
            long capture = WallClock.nowMicros();
            int[] pixels = painter.paint(capture, counter);
            bytes.clear();
            bytes.asIntBuffer().put(pixels);
            if (!target.drawn.offer(capture)) {
                continue; // the encoder is far behind; skip this frame rather than grow without bound
            }
            try {
                OutputStream out = target.process.getOutputStream();
                out.write(bytes.array());
                out.flush();
            } catch (IOException e) {
                if (running && !target.retired) {
                    LOG.log(System.Logger.Level.WARNING, "camera: test pattern encoder stopped taking frames: {0}",
                            e.getMessage());
                    LockSupport.parkNanos(intervalNanos);
                }
            }
            counter++;
        }
    }

    /** ffmpeg cannot be told mid-stream to emit an IDR; callers replay the cached group of pictures instead. */
    @Override
    public boolean requestKeyframe() {
        return false;
    }

    /** Starts an encoder at the new bitrate and moves the drawing to it at the next frame. */
    @Override
    public synchronized boolean changeBitrate(int bitsPerSecond) {
        if (!running || bitsPerSecond == bitrateBps) {
            return running;
        }
        try {
            Encoder next = new Encoder(bitsPerSecond);
            bitrateBps = bitsPerSecond;
            previous = current;
            current = next;
            return true;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "camera: cannot start ffmpeg at {0} kb/s: {1}", bitsPerSecond / 1000,
                    e.getMessage());
            return false;
        }
    }

    @Override
    public String describe() {
        return (road ? "test pattern (road) " : "test pattern ") + new CameraSettings(settings.width(), settings.height(), settings.fps(), bitrateBps,
                settings.gopFrames()).describe();
    }

    @Override
    public synchronized void close() {
        if (!running) {
            return;
        }
        running = false;
        if (drawThread != null) {
            drawThread.interrupt();
        }
        for (Encoder e : new Encoder[]{previous, current}) {
            if (e != null) {
                e.stop();
            }
        }
        listener.onState(CameraState.STOPPED, "test pattern stopped");
    }
}
