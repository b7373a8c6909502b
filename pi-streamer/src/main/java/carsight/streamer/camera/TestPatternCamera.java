package carsight.streamer.camera;

import carsight.protocol.clock.WallClock;
import carsight.streamer.h264.AccessUnit;
import carsight.streamer.flv.FlvAvc;
import carsight.streamer.flv.FlvTagReader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
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
 */
public final class TestPatternCamera implements Camera {

    private static final System.Logger LOG = System.getLogger(TestPatternCamera.class.getName());

    private final CameraSettings settings;
    private final String ffmpeg;
    private final BlockingQueue<long[]> drawn = new ArrayBlockingQueue<>(256);
    private volatile boolean running;
    private Process process;
    private final List<Thread> threads = new ArrayList<>();

    public TestPatternCamera(CameraSettings settings, String ffmpegPath) {
        this.settings = settings;
        this.ffmpeg = ffmpegPath;
    }

    List<String> command() {
        return List.of(ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin",
                "-f", "rawvideo", "-pix_fmt", "bgr0", "-s", settings.width() + "x" + settings.height(),
                "-framerate", String.valueOf(settings.fps()), "-i", "pipe:0",
                "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-profile:v", "baseline",
                "-pix_fmt", "yuv420p", "-b:v", String.valueOf(settings.bitrateBps()),
                "-maxrate", String.valueOf(settings.bitrateBps()), "-bufsize", String.valueOf(settings.bitrateBps() / 2),
                "-g", String.valueOf(settings.gopFrames()), "-keyint_min", String.valueOf(settings.gopFrames()),
                "-x264-params", "repeat-headers=1:scenecut=0",
                "-flush_packets", "1", "-f", "flv", "pipe:1");
    }

    @Override
    public synchronized void start(Listener listener) {
        if (running) {
            throw new IllegalStateException("camera already started");
        }
        try {
            process = new ProcessBuilder(command()).redirectError(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            listener.onState(CameraState.FAILED, "cannot start ffmpeg: " + e.getMessage());
            throw new CameraException("test pattern: cannot start '" + ffmpeg + "': " + e.getMessage()
                    + " — install the ffmpeg package", e);
        }
        running = true;
        listener.onState(CameraState.STARTING, describe());
        LOG.log(System.Logger.Level.INFO, "camera: test pattern {0}, encoded by ffmpeg/x264 (zerolatency, baseline)",
                settings.describe());
        threads.add(daemon("camera-test-pattern-draw", () -> draw(process.getOutputStream())));
        threads.add(daemon("camera-test-pattern-read", () -> read(process.getInputStream(), listener)));
        threads.add(daemon("camera-test-pattern-log", () -> logErrors(process.getErrorStream())));
    }

    private Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void draw(OutputStream toEncoder) {
        TestPatternPainter painter = new TestPatternPainter(settings.width(), settings.height());
        ByteBuffer bytes = ByteBuffer.allocate(settings.width() * settings.height() * 4).order(ByteOrder.LITTLE_ENDIAN);
        long intervalNanos = (long) (1_000_000_000L / settings.fps());
        long next = System.nanoTime();
        long counter = 0;
        try (OutputStream out = toEncoder) {
            while (running) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                next += intervalNanos;
                if (System.nanoTime() - next > 1_000_000_000L) {
                    next = System.nanoTime();
                }
                long capture = WallClock.nowMicros();
                int[] pixels = painter.paint(capture, counter);
                bytes.clear();
                bytes.asIntBuffer().put(pixels);
                if (!drawn.offer(new long[]{capture, counter})) {
                    continue; // the encoder is far behind; skip this frame rather than grow without bound
                }
                out.write(bytes.array());
                out.flush();
                counter++;
            }
        } catch (IOException e) {
            if (running) {
                LOG.log(System.Logger.Level.WARNING, "camera: test pattern encoder stopped taking frames: {0}",
                        e.getMessage());
            }
        }
    }

    private void read(InputStream fromEncoder, Listener listener) {
        FlvTagReader reader = new FlvTagReader();
        FlvAvc avc = new FlvAvc();
        byte[] buffer = new byte[64 * 1024];
        long sequence = 0;
        boolean announced = false;
        try (InputStream in = fromEncoder) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                for (FlvTagReader.Tag tag : reader.feed(buffer, 0, n)) {
                    AccessUnit unit = avc.picture(tag);
                    if (unit == null) {
                        continue;
                    }
                    long[] frame = drawn.poll();
                    long capture = frame == null ? WallClock.nowMicros() : frame[0];
                    if (!announced) {
                        listener.onState(CameraState.RUNNING, describe());
                        announced = true;
                    }
                    listener.onFrame(new EncodedFrame(unit, capture, sequence++));
                }
            }
        } catch (IOException e) {
            // the process ended; reported below
        } catch (IllegalStateException e) {
            LOG.log(System.Logger.Level.ERROR, "camera: test pattern encoder wrote something unexpected: {0}", e.getMessage());
            process.destroy();
        }
        if (running) {
            String reason = "ffmpeg exited" + exitCode();
            LOG.log(System.Logger.Level.ERROR, "camera: test pattern encoder died: {0}", reason);
            listener.onState(CameraState.FAILED, reason);
        } else {
            listener.onState(CameraState.STOPPED, "test pattern stopped");
        }
    }

    private String exitCode() {
        try {
            return process.waitFor(1, java.util.concurrent.TimeUnit.SECONDS) ? " with code " + process.exitValue() : "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private void logErrors(InputStream err) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(err, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                LOG.log(System.Logger.Level.WARNING, "camera: ffmpeg: {0}", line);
            }
        } catch (IOException e) {
            // process gone
        }
    }

    /** ffmpeg cannot be told mid-stream to emit an IDR; callers replay the cached group of pictures instead. */
    @Override
    public boolean requestKeyframe() {
        return false;
    }

    @Override
    public String describe() {
        return "test pattern " + settings.describe();
    }

    @Override
    public synchronized void close() {
        if (!running) {
            return;
        }
        running = false;
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(2, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        for (Thread t : threads) {
            t.interrupt();
        }
    }
}
