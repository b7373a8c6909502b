package carsight.streamer.camera;

import carsight.protocol.clock.WallClock;
import carsight.streamer.flv.FlvAvc;
import carsight.streamer.flv.FlvTagReader;
import carsight.streamer.h264.AccessUnit;
import carsight.streamer.h264.NalUnit;

import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A Pi's camera as the streamer meets it, where there is no Pi: run by a script named {@code rpicam-vid} on the
 * streamer's PATH, it takes rpicam-vid's options and writes what rpicam-vid writes — each frame's Annex-B bytes to
 * {@code -o} (flushed), then its {@code --metadata} record with the capture time as {@code SensorTimestamp} — of the
 * road scene with the frame timecode, at {@code --bitrate}. It behaves as the Pi's hardware encoder does under
 * rpicam-vid, not as the best case:
 * <ul>
 *   <li>a bitrate change is a restart (the streamer kills and starts rpicam-vid again): this program waits
 *       {@code CARSIGHT_PILIKE_START_MS} (default 800) before its first frame, as libcamera's start, the sensor's
 *       settling and the first keyframe do;</li>
 *   <li>no keyframe on request (rpicam-vid takes no commands): only every {@code --intra} frames;</li>
 *   <li>keyframes several times a P-frame's size: a rate buffer of a whole second, as the driver's variable bit rate
 *       leaves a keyframe unbounded.</li>
 * </ul>
 * Frames are drawn and encoded by x264 (ffmpeg) here, so the pictures carry the timecode a receiver checks.
 */
public final class PiLikeRpicamVid {

    public static void main(String[] args) throws Exception {
        int width = 640;
        int height = 480;
        double fps = 30;
        int bitrate = 1_500_000;
        int intra = 30;
        String out = "-";
        String metadata = null;
        for (int i = 0; i < args.length - 1; i++) {
            switch (args[i]) {
                case "--width" -> width = Integer.parseInt(args[i + 1]);
                case "--height" -> height = Integer.parseInt(args[i + 1]);
                case "--framerate" -> fps = Double.parseDouble(args[i + 1]);
                case "--bitrate" -> bitrate = Integer.parseInt(args[i + 1]);
                case "--intra" -> intra = Integer.parseInt(args[i + 1]);
                case "-o" -> out = args[i + 1];
                case "--metadata" -> metadata = args[i + 1];
                default -> { }
            }
        }
        long startMillis = Long.parseLong(System.getenv().getOrDefault("CARSIGHT_PILIKE_START_MS", "800"));
        OutputStream records = metadata == null ? null : new FileOutputStream(metadata);
        Thread.sleep(startMillis);
        // a rate buffer of a whole second: a keyframe may take several P-frames' worth, as on the Pi
        Process x264 = new ProcessBuilder(TestPatternCamera.x264("ffmpeg", width, height, fps, bitrate, bitrate, intra))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BlockingQueue<Long> drawn = new ArrayBlockingQueue<>(256);
        OutputStream video = out.equals("-") ? System.out : new FileOutputStream(out);
        long interval = (long) (1_000_000_000L / fps);
        Thread reader = new Thread(() -> {
            FlvTagReader tags = new FlvTagReader();
            FlvAvc avc = new FlvAvc();
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = x264.getInputStream()) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    for (FlvTagReader.Tag tag : tags.feed(buffer, 0, n)) {
                        AccessUnit picture = avc.picture(tag);
                        if (picture == null) {
                            continue;
                        }
                        Long sensor = drawn.poll();
                        for (NalUnit nal : picture.nalUnits()) {
                            video.write(new byte[]{0, 0, 0, 1});
                            video.write(nal.bytes());
                        }
                        video.flush();
                        if (records != null) {
                            records.write(("ExposureTime=20000\nSensorTimestamp=" + (sensor == null ? System.nanoTime() : sensor)
                                    + "\nFrameDuration=" + interval / 1000 + "\n\n").getBytes(StandardCharsets.US_ASCII));
                            records.flush();
                        }
                    }
                }
            } catch (Exception e) {
                // the streamer stopped reading (it restarts us at another bitrate): end
            }
            System.exit(0);
        }, "pi-like-read");
        reader.setDaemon(true);
        reader.start();
        TestPatternPainter painter = new TestPatternPainter(width, height, true);
        ByteBuffer bytes = ByteBuffer.allocate(width * height * 4).order(ByteOrder.LITTLE_ENDIAN);
        OutputStream toX264 = x264.getOutputStream();
        long next = System.nanoTime();
        for (long n = 0; ; n++) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            next += interval;
            // the sensor's time (monotonic, as the Pi's camera stamps frames) and the wall clock the timecode carries
            long sensor = System.nanoTime();
            long captureMicros = WallClock.nowMicros();
            int[] pixels = painter.paint(captureMicros, n);
            bytes.clear();
            bytes.asIntBuffer().put(pixels);
            if (!drawn.offer(sensor)) {
                continue;
            }
            toX264.write(bytes.array());
            toX264.flush();
        }
    }

    private PiLikeRpicamVid() {
    }

}
