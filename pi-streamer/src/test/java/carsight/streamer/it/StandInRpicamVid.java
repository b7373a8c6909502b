package carsight.streamer.it;

import carsight.protocol.clock.WallClock;
import carsight.streamer.h264.AccessUnit;
import carsight.streamer.h264.AccessUnitFramer;
import carsight.streamer.h264.NalUnit;

import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Stands in for {@code rpicam-vid} where there is no camera: takes its options, plays a recording of the Pi's
 * hardware encoder at {@code --framerate} and writes what rpicam-vid writes, in its order — each frame's bytes to
 * {@code -o} (flushed, as {@code --flush} does), then that frame's {@code --metadata} record in txt form. The record's
 * {@code SensorTimestamp} is this machine's monotonic clock (the Pi's camera receiver stamps frames on it) a known
 * {@code CARSIGHT_SENSOR_DELAY_MS} before the bytes are written, as the sensor's readout and the encoder would delay
 * them. Every frame's sensor time, on the wall clock, goes to {@code CARSIGHT_STANDIN_LOG} for the test to compare.
 * Run by a script named {@code rpicam-vid} on the streamer's PATH.
 */
public final class StandInRpicamVid {

    public static void main(String[] args) throws Exception {
        double fps = 30;
        String out = "-";
        String metadata = null;
        for (int i = 0; i < args.length - 1; i++) {
            switch (args[i]) {
                case "--framerate" -> fps = Double.parseDouble(args[i + 1]);
                case "-o" -> out = args[i + 1];
                case "--metadata" -> metadata = args[i + 1];
                default -> { }
            }
        }
        long delayNanos = Long.parseLong(System.getenv().getOrDefault("CARSIGHT_SENSOR_DELAY_MS", "25")) * 1_000_000L;
        Path clip = Path.of(System.getenv().getOrDefault("CARSIGHT_STANDIN_CLIP", "src/test/resources/h264/pi-car-720p30-high.h264"));
        String logPath = System.getenv("CARSIGHT_STANDIN_LOG");
        AccessUnitFramer framer = new AccessUnitFramer();
        List<AccessUnit> pictures = new ArrayList<>(framer.feed(Files.readAllBytes(clip)));
        pictures.addAll(framer.finish());
        List<byte[]> frames = new ArrayList<>();
        for (AccessUnit picture : pictures) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (NalUnit nal : picture.nalUnits()) {
                bytes.writeBytes(new byte[]{0, 0, 0, 1});
                bytes.writeBytes(nal.bytes());
            }
            frames.add(bytes.toByteArray());
        }
        // opened in rpicam-vid's order: the metadata file when the program starts, the video at the first frame
        OutputStream records = metadata == null ? null : new FileOutputStream(metadata);
        OutputStream video = out.equals("-") ? System.out : new FileOutputStream(out);
        PrintStream log = logPath == null ? null : new PrintStream(new FileOutputStream(logPath, true), true);
        long interval = (long) (1_000_000_000L / fps);
        long next = System.nanoTime() + interval;
        for (long n = 0; ; n++) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            next += interval;
            long now = System.nanoTime();
            long sensor = now - delayNanos;
            long sensorWallMicros = WallClock.nowMicros() - (System.nanoTime() - sensor) / 1000;
            video.write(frames.get((int) (n % frames.size())));
            video.flush();
            if (records != null) {
                String record = "ExposureTime=20000\nSensorTimestamp=" + sensor + "\nFrameDuration=" + interval / 1000
                        + "\nAnalogueGain=1.000000\n\n";
                records.write(record.getBytes(StandardCharsets.US_ASCII));
                records.flush();
            }
            if (log != null) {
                log.println(n + " " + sensor + " " + sensorWallMicros);
            }
        }
    }
}
