package carsight.streamer.camera;

import carsight.protocol.clock.WallClock;
import carsight.streamer.h264.AccessUnit;
import carsight.streamer.h264.AccessUnitFramer;
import carsight.streamer.h264.NalUnit;
import carsight.streamer.h264.Sps;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Plays an Annex-B H.264 file as if a camera were producing it: one access unit per frame interval, looping forever.
 * The loop starts again at the file's first IDR so a decoder never sees a P-frame without its reference. Capture
 * time is when a frame is released. Used to replay recordings from a car and to benchmark without an encoder.
 */
public final class FileCamera implements Camera {

    private static final System.Logger LOG = System.getLogger(FileCamera.class.getName());

    private final Path file;
    private final List<AccessUnit> units;
    private final double fps;
    private final Sps sps;
    private volatile boolean running;
    private Thread thread;

    /** @param fpsOverride frames per second to play at, or 0 to use the SPS timing (30 if it has none) */
    public FileCamera(Path file, double fpsOverride) throws IOException {
        this.file = file;
        byte[] stream;
        try {
            stream = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException("camera file:" + file + " cannot be read: " + e.getMessage(), e);
        }
        AccessUnitFramer framer = new AccessUnitFramer();
        List<AccessUnit> all = new ArrayList<>(framer.feed(stream));
        all.addAll(framer.finish());
        int firstIdr = -1;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).keyframe()) {
                firstIdr = i;
                break;
            }
        }
        if (firstIdr < 0) {
            throw new IOException("camera file:" + file + " has no IDR picture — is it an H.264 Annex-B stream?");
        }
        this.units = List.copyOf(all.subList(firstIdr, all.size()));
        this.sps = units.get(0).nalUnits().stream().filter(n -> n.type() == NalUnit.TYPE_SPS).findFirst()
                .map(Sps::parse).orElse(null);
        double fromSps = sps == null ? 0 : sps.fps();
        this.fps = fpsOverride > 0 ? fpsOverride : (fromSps > 0 && fromSps <= 240 ? fromSps : 30);
    }

    public Sps sps() {
        return sps;
    }

    public double fps() {
        return fps;
    }

    public int frameCount() {
        return units.size();
    }

    @Override
    public synchronized void start(Listener listener) {
        if (thread != null) {
            throw new IllegalStateException("camera already started");
        }
        running = true;
        thread = new Thread(() -> play(listener), "camera-file");
        thread.setDaemon(true);
        thread.start();
    }

    private void play(Listener listener) {
        listener.onState(CameraState.RUNNING, describe());
        LOG.log(System.Logger.Level.INFO, "camera: playing {0} ({1} frames{2}) at {3} fps, looping", file,
                units.size(), sps == null ? "" : ", " + sps.describe(), fps);
        long intervalNanos = (long) (1_000_000_000L / fps);
        long next = System.nanoTime();
        long sequence = 0;
        while (running) {
            for (int i = 0; i < units.size() && running; i++) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                listener.onFrame(new EncodedFrame(units.get(i), WallClock.nowMicros(), sequence++));
                next += intervalNanos;
                if (System.nanoTime() - next > 1_000_000_000L) {
                    next = System.nanoTime(); // fell far behind (paused JVM): don't burst to catch up
                }
            }
        }
        listener.onState(CameraState.STOPPED, "file camera stopped");
    }

    @Override
    public boolean requestKeyframe() {
        return false;
    }

    @Override
    public String describe() {
        return "file " + file.getFileName() + (sps == null ? "" : " " + sps.describe()) + " @" + fps + " fps";
    }

    @Override
    public synchronized void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
