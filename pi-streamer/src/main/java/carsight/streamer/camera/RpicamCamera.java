package carsight.streamer.camera;

import carsight.protocol.clock.WallClock;
import carsight.streamer.h264.AccessUnit;
import carsight.streamer.h264.AccessUnitAssembler;
import carsight.streamer.h264.AnnexBReader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Raspberry Pi camera through {@code rpicam-vid} (or {@code libcamera-vid} on older systems): the hardware
 * encoder's Annex-B H.264 read from the program's stdout, as it comes. When the program exits it is restarted with
 * exponential backoff (0.5 s doubling to 8 s, back to 0.5 s after a good run), and the log says why it stopped.
 */
public final class RpicamCamera implements Camera {

    private static final System.Logger LOG = System.getLogger(RpicamCamera.class.getName());
    private static final long MIN_BACKOFF_MILLIS = 500;
    private static final long MAX_BACKOFF_MILLIS = 8_000;
    private static final long GOOD_RUN_MILLIS = 10_000;

    private final String program;
    private final CameraSettings settings;
    private volatile boolean running;
    private volatile Process process;
    private Thread supervisor;
    private volatile String lastError = "";
    private volatile int restarts;

    /** @param program path or name of rpicam-vid / libcamera-vid (tests pass a script) */
    public RpicamCamera(String program, CameraSettings settings) {
        this.program = program;
        this.settings = settings;
    }

    List<String> command() {
        List<String> c = new ArrayList<>(List.of(program, "-t", "0", "-n", "--codec", "h264", "--inline", "--flush",
                "--profile", "baseline", "--intra", String.valueOf(settings.gopFrames()),
                "--width", String.valueOf(settings.width()), "--height", String.valueOf(settings.height()),
                "--framerate", String.format(Locale.ROOT, "%s", settings.fps()),
                "--bitrate", String.valueOf(settings.bitrateBps()), "-o", "-"));
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
            try {
                Process p = new ProcessBuilder(command()).start();
                process = p;
                LOG.log(System.Logger.Level.INFO, "camera: started {0} {1} (pid {2})", program, settings.describe(),
                        String.valueOf(p.pid()));
                Thread log = new Thread(() -> logErrors(p.getErrorStream()), "camera-rpicam-log");
                log.setDaemon(true);
                log.start();
                sequence = read(p.getInputStream(), listener, sequence);
                int code = p.waitFor();
                log.join(1000);
                if (!running) {
                    break;
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

    private long read(InputStream in, Listener listener, long sequence) throws IOException {
        AnnexBReader reader = new AnnexBReader();
        AccessUnitAssembler assembler = new AccessUnitAssembler();
        byte[] buffer = new byte[64 * 1024];
        boolean announced = false;
        try (InputStream stream = in) {
            int n;
            while ((n = stream.read(buffer)) > 0) {
                for (AccessUnit unit : assembler.addAll(reader.feed(buffer, 0, n))) {
                    if (!announced) {
                        listener.onState(CameraState.RUNNING, describe());
                        announced = true;
                    }
                    // rpicam-vid with --flush writes each frame as soon as the encoder returns it
                    listener.onFrame(new EncodedFrame(unit, WallClock.nowMicros(), sequence++));
                }
            }
        }
        return sequence;
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

    @Override
    public String describe() {
        return program + " " + settings.describe();
    }

    @Override
    public synchronized void close() {
        running = false;
        Process p = process;
        if (p != null) {
            p.destroy();
            try {
                if (!p.waitFor(2, java.util.concurrent.TimeUnit.SECONDS)) {
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
