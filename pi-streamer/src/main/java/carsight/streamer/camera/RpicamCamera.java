package carsight.streamer.camera;

import carsight.protocol.clock.WallClock;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The Raspberry Pi camera through {@code rpicam-vid} (or {@code libcamera-vid} on older systems): the hardware
 * encoder's Annex-B H.264, read as it comes. When the program exits it is restarted with exponential backoff (0.5 s
 * doubling to 8 s, back to 0.5 s after a good run), and the log says why it stopped.
 *
 * <p>Zero wait: rpicam-vid writes each frame's metadata record ({@code --metadata FIFO --metadata-format txt}) right
 * after the frame's bytes, so the record closes the frame at once — it need not wait a frame interval for the next
 * frame's start code — and its {@code SensorTimestamp} becomes the frame's capture time (see {@link RpicamFrames}).
 * The video comes through a FIFO of ours too, read with an unbuffered stream: when a record arrives, the bytes the
 * program wrote before it are either still in that FIFO ({@code available()}) or already read, and the record is
 * applied only once they have been taken in. A program without {@code --metadata} (libcamera-apps before 1.0) is run
 * without it, and its frames are closed by the next frame's start, as the log then says.
 */
public final class RpicamCamera implements Camera {

    private static final System.Logger LOG = System.getLogger(RpicamCamera.class.getName());
    private static final long MIN_BACKOFF_MILLIS = 500;
    private static final long MAX_BACKOFF_MILLIS = 8_000;
    private static final long GOOD_RUN_MILLIS = 10_000;
    /** How long a record waits for the bytes written before it to be read (they are in the pipe already). */
    private static final long SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final String program;
    private final CameraSettings settings;
    private volatile boolean running;
    private volatile Process process;
    private Thread supervisor;
    private volatile String lastError = "";
    private volatile int restarts;
    private volatile boolean useMetadata = true;
    private volatile int bitrateBps;
    /** The program was stopped to start again at once at another bitrate: not a failure. */
    private volatile boolean restartingForBitrate;
    private Path fifoDir;

    /** @param program path or name of rpicam-vid / libcamera-vid (tests pass a program of their own) */
    public RpicamCamera(String program, CameraSettings settings) {
        this.program = program;
        this.settings = settings;
        this.bitrateBps = settings.bitrateBps();
    }

    /** The program's command line: video to {@code videoOut}, metadata records to {@code metadataOut} (or none). */
    List<String> command(String videoOut, Path metadataOut) {
        List<String> c = new ArrayList<>(List.of(program, "-t", "0", "-n", "--codec", "h264", "--inline", "--flush",
                "--profile", "baseline", "--intra", String.valueOf(settings.gopFrames()),
                "--width", String.valueOf(settings.width()), "--height", String.valueOf(settings.height()),
                "--framerate", String.format(Locale.ROOT, "%s", settings.fps()),
                "--bitrate", String.valueOf(bitrateBps)));
        if (metadataOut != null) {
            c.addAll(List.of("--metadata", metadataOut.toString(), "--metadata-format", "txt"));
        }
        c.addAll(List.of("-o", videoOut));
        return c;
    }

    public int restarts() {
        return restarts;
    }

    @Override
    public synchronized void start(Listener listener) {
        if (running) {
            throw new IllegalStateException("camera already started");
        }
        running = true;
        supervisor = new Thread(() -> supervise(listener), "camera-rpicam");
        supervisor.setDaemon(true);
        supervisor.start();
    }

    private void supervise(Listener listener) {
        long backoff = MIN_BACKOFF_MILLIS;
        long sequence = 0;
        while (running) {
            long started = System.currentTimeMillis();
            listener.onState(restarts == 0 ? CameraState.STARTING : CameraState.RESTARTING, describe());
            Run run = null;
            try {
                Path video = fifo("video");
                Path metadata = useMetadata ? fifo("metadata") : null;
                run = new Run(listener, describe(), sequence, video, metadata);
                Process p = new ProcessBuilder(command(video.toString(), metadata))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                process = p;
                LOG.log(System.Logger.Level.INFO, "camera: started {0} {1} (pid {2}){3}", program, current().describe(),
                        String.valueOf(p.pid()), metadata == null ? "" : ", frame ends and sensor times from --metadata");
                Thread log = new Thread(() -> logErrors(p.getErrorStream()), "camera-rpicam-log");
                log.setDaemon(true);
                log.start();
                run.start(p);
                int code = p.waitFor();
                run.finish();
                sequence = run.frames.nextSequence();
                log.join(1000);
                if (!running) {
                    break;
                }
                if (restartingForBitrate) {
                    restartingForBitrate = false;
                    continue; // at once, at the new bitrate
                }
                if (metadata != null && !run.frames.metadataSeen() && run.pictures == 0
                        && lastError.toLowerCase(Locale.ROOT).contains("metadata")) {
                    useMetadata = false;
                    LOG.log(System.Logger.Level.WARNING, "camera: {0} does not take --metadata (''{1}''; rpicam-apps "
                            + "before 1.0?): running it without; each frame now waits for the next one to begin (one "
                            + "frame interval) and the meter starts when the encoder hands the frame over", program, lastError);
                    continue;
                }
                String why = program + " exited with code " + code + (lastError.isEmpty() ? "" : ": '" + lastError + "'") + hint(lastError);
                LOG.log(System.Logger.Level.WARNING, "camera: {0}; restarting in {1} ms", why, backoff);
                listener.onState(CameraState.RESTARTING, why);
            } catch (IOException e) {
                String why = "cannot run " + program + ": " + e.getMessage()
                        + " — install rpicam-apps (or libcamera-apps on older Raspberry Pi OS)";
                LOG.log(System.Logger.Level.ERROR, "camera: {0}; retrying in {1} ms", why, backoff);
                listener.onState(CameraState.FAILED, why);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                if (run != null) {
                    run.finish();
                }
            }
            if (System.currentTimeMillis() - started > GOOD_RUN_MILLIS) {
                backoff = MIN_BACKOFF_MILLIS;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
            restarts++;
        }
        listener.onState(CameraState.STOPPED, "camera stopped");
    }

    /** A fresh named pipe in a directory only this process can enter. */
    private Path fifo(String name) throws IOException {
        if (fifoDir == null) {
            fifoDir = Files.createTempDirectory("carsight-camera-");
            fifoDir.toFile().deleteOnExit();
        }
        Path path = fifoDir.resolve(name + ".fifo");
        Files.deleteIfExists(path);
        try {
            Process mkfifo = new ProcessBuilder("mkfifo", "-m", "600", path.toString()).redirectErrorStream(true).start();
            String said = new String(mkfifo.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (mkfifo.waitFor() != 0) {
                throw new IOException("mkfifo " + path + " failed: " + said);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making " + path, e);
        }
        path.toFile().deleteOnExit();
        return path;
    }

    /** One run of the program: its video and metadata readers, and the frames they make together. */
    private static final class Run {
        private final Listener listener;
        private final String description;
        private final Path video;
        private final Path metadata;
        private final Object lock = new Object();
        final RpicamFrames frames;
        private volatile FileInputStream videoIn;
        private volatile RandomAccessFile metadataIn;
        private volatile boolean finished;
        /** Reads of the video that returned; {@link #readsTaken} of them have been given to {@link #frames}. */
        private volatile long readsReturned;
        private long readsTaken;
        private long strayReported;
        private long unusableReported;
        private boolean announced;
        volatile long pictures;
        private Thread videoThread;
        private Thread metadataThread;

        Run(Listener listener, String description, long firstSequence, Path video, Path metadata) {
            this.listener = listener;
            this.description = description;
            this.video = video;
            this.metadata = metadata;
            this.frames = new RpicamFrames(firstSequence);
        }

        void start(Process p) throws IOException {
            if (metadata != null) {
                // read-write: the open never blocks, whether or not the program opens the pipe for its records
                metadataIn = new RandomAccessFile(metadata.toFile(), "rw");
                metadataThread = daemon("camera-rpicam-metadata", this::readMetadata);
            }
            videoThread = daemon("camera-rpicam-video", () -> readVideo(p));
        }

        private static Thread daemon(String name, Runnable body) {
            Thread t = new Thread(body, name);
            t.setDaemon(true);
            t.start();
            return t;
        }

        private void readVideo(Process p) {
            byte[] buffer = new byte[64 * 1024];
            try (FileInputStream in = new FileInputStream(video.toFile())) { // waits for the program to open it
                videoIn = in;
                int n;
                while ((n = in.read(buffer)) > 0) {
                    readsReturned++;
                    synchronized (lock) {
                        deliver(frames.bytes(buffer, 0, n, System.nanoTime(), WallClock.nowMicros()));
                        readsTaken++;
                        lock.notifyAll();
                    }
                }
            } catch (IOException e) {
                if (!finished) {
                    LOG.log(System.Logger.Level.WARNING, "camera: reading the video failed: {0}", e.getMessage());
                }
            } finally {
                synchronized (lock) {
                    readsTaken = readsReturned;
                    lock.notifyAll();
                }
            }
        }

        private void readMetadata() {
            FrameMetadata.Parser parser = new FrameMetadata.Parser();
            try {
                RandomAccessFile in = metadataIn;
                StringBuilder line = new StringBuilder();
                byte[] buffer = new byte[4096];
                int n;
                while (!finished && (n = in.read(buffer)) > 0) {
                    for (int i = 0; i < n && !finished; i++) {
                        char c = (char) (buffer[i] & 0xFF);
                        if (c != '\n') {
                            if (line.length() < 4096) {
                                line.append(c);
                            }
                            continue;
                        }
                        FrameMetadata record = parser.line(line.toString());
                        line.setLength(0);
                        if (record != null) {
                            onRecord(record);
                        }
                    }
                }
            } catch (IOException e) {
                if (!finished) {
                    LOG.log(System.Logger.Level.WARNING, "camera: reading the frame metadata failed: {0}", e.getMessage());
                }
            }
        }

        /** Applies a record once every byte the program wrote before it has been taken in. */
        private void onRecord(FrameMetadata record) {
            synchronized (lock) {
                long deadline = System.nanoTime() + SETTLE_NANOS;
                try {
                    while (readsReturned != readsTaken || unreadVideo() > 0) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            break;
                        }
                        lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                deliver(frames.record(record, System.nanoTime(), WallClock.nowMicros()));
            }
        }

        private int unreadVideo() {
            FileInputStream in = videoIn;
            if (in == null) {
                return 1; // the program has not opened its video pipe yet: its bytes cannot have been read
            }
            try {
                return in.available();
            } catch (IOException e) {
                return 0;
            }
        }

        private void deliver(List<EncodedFrame> completed) {
            for (EncodedFrame frame : completed) {
                if (!announced) {
                    listener.onState(CameraState.RUNNING, description);
                    announced = true;
                }
                pictures++;
                listener.onFrame(frame);
            }
            if (frames.strayBytes() > strayReported) {
                strayReported = frames.strayBytes();
                LOG.log(System.Logger.Level.WARNING, "camera: a frame was closed before its last bytes were read "
                        + "({0} bytes after it so far); that frame was cut short", strayReported);
            }
            if (frames.unusableTimestamps() > unusableReported && unusableReported == 0) {
                LOG.log(System.Logger.Level.WARNING, "camera: a frame record has no SensorTimestamp on this machine''s "
                        + "monotonic clock; such frames are stamped when they arrive");
            }
            unusableReported = frames.unusableTimestamps();
        }

        /** The program has exited: lets both readers end. */
        void finish() {
            if (finished) {
                return;
            }
            finished = true;
            try {
                if (videoIn == null) {
                    // the program died before opening its video pipe: open the other end (read-write, which never
                    // blocks) so that the reader's open returns
                    new RandomAccessFile(video.toFile(), "rw").close();
                }
            } catch (IOException ignored) {
                // nothing waits on it
            }
            RandomAccessFile m = metadataIn;
            if (m != null) {
                try {
                    m.write('\n'); // wakes the metadata reader, which sees finished
                } catch (IOException ignored) {
                    // already closed
                }
            }
            join(videoThread);
            join(metadataThread);
            if (m != null) {
                try {
                    m.close();
                } catch (IOException ignored) {
                    // gone
                }
            }
        }

        private static void join(Thread t) {
            if (t == null) {
                return;
            }
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void logErrors(InputStream err) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(err, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    lastError = line.strip();
                    LOG.log(System.Logger.Level.INFO, "camera: {0}", lastError);
                }
            }
        } catch (IOException e) {
            // process gone
        }
    }

    static String hint(String error) {
        String e = error.toLowerCase(Locale.ROOT);
        if (e.contains("no cameras available")) {
            return " — is the ribbon cable seated, and the camera enabled?";
        }
        if (e.contains("device or resource busy") || e.contains("pipeline handler in use")) {
            return " — another program is using the camera (is a second streamer running?)";
        }
        return "";
    }

    /** rpicam-vid has no way to be asked for an IDR while running; viewers get the cached GOP instead. */
    @Override
    public boolean requestKeyframe() {
        return false;
    }

    /** rpicam-vid cannot change its bitrate while running: it is restarted at once with the new one. */
    @Override
    public boolean changeBitrate(int bitsPerSecond) {
        Process p = process;
        if (!running || p == null) {
            return false;
        }
        if (bitsPerSecond != bitrateBps) {
            bitrateBps = bitsPerSecond;
            restartingForBitrate = true;
            LOG.log(System.Logger.Level.INFO, "camera: restarting {0} at {1} kb/s", program, bitsPerSecond / 1000);
            p.destroy();
        }
        return true;
    }

    private CameraSettings current() {
        return new CameraSettings(settings.width(), settings.height(), settings.fps(), bitrateBps, settings.gopFrames());
    }

    @Override
    public String describe() {
        return program + " " + current().describe();
    }

    @Override
    public synchronized void close() {
        running = false;
        Process p = process;
        if (p != null) {
            p.destroy();
            try {
                if (!p.waitFor(2, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        if (supervisor != null) {
            supervisor.interrupt();
        }
    }
}
