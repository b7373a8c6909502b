package carsight.streamer.camera;

import carsight.streamer.h264.AccessUnit;
import carsight.streamer.h264.AccessUnitFramer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * rpicam-vid's two outputs in, frames with their capture times out: the H.264 bytes from its stdout and, where the
 * program writes them ({@code --metadata}), the per-frame metadata records. Sans-I/O: the caller passes the time.
 *
 * <p>A record follows its frame's bytes, so it closes the frame at once ({@link AccessUnitFramer#endOfFrame()}) —
 * no waiting for the next frame's start code — and gives it its sensor timestamp. Records pair with pictures by
 * order, as rpicam-vid itself pairs them. Until a first record is seen (a camera program without {@code --metadata})
 * a picture is closed when the next one begins and stamped with its arrival.
 */
final class RpicamFrames {

    /** Pictures closed by the next one's start while their record is still to come; more means records stopped. */
    static final int MAX_WAITING = 2;
    /** A sensor timestamp further back than this is not on our monotonic clock. */
    static final long MAX_SENSOR_AGE_NANOS = 5_000_000_000L;

    private record Closed(AccessUnit unit, long arrivalMicros) {
    }

    private final AccessUnitFramer framer = new AccessUnitFramer();
    private final ArrayDeque<Closed> closed = new ArrayDeque<>();
    private final ArrayDeque<FrameMetadata> records = new ArrayDeque<>();
    private boolean metadataSeen;
    private long recordsToSkip;
    private long sequence;
    private long unusableTimestamps;

    RpicamFrames(long firstSequence) {
        this.sequence = firstSequence;
    }

    /** Bytes from the camera's stdout; returns the frames they completed. */
    List<EncodedFrame> bytes(byte[] data, int offset, int length, long nowNanos, long nowMicros) {
        List<EncodedFrame> out = new ArrayList<>();
        for (AccessUnit unit : framer.feed(data, offset, length)) {
            closedPicture(unit, nowMicros, nowNanos, nowMicros, out);
        }
        return out;
    }

    /** A metadata record; every byte the program wrote before it must have been passed to {@link #bytes} first. */
    List<EncodedFrame> record(FrameMetadata record, long nowNanos, long nowMicros) {
        List<EncodedFrame> out = new ArrayList<>();
        metadataSeen = true;
        if (recordsToSkip > 0) {
            recordsToSkip--; // its picture already went out without it
            return out;
        }
        records.add(record);
        pair(nowNanos, nowMicros, out);
        // every record waiting has its picture's bytes in: close pictures until each has its own (usually one)
        while (!records.isEmpty()) {
            List<AccessUnit> done = framer.endOfFrame();
            if (done.isEmpty()) {
                break; // this record's bytes have not come yet
            }
            for (AccessUnit unit : done) {
                closedPicture(unit, nowMicros, nowNanos, nowMicros, out);
            }
        }
        return out;
    }

    private void closedPicture(AccessUnit unit, long arrivalMicros, long nowNanos, long nowMicros, List<EncodedFrame> out) {
        if (!metadataSeen) {
            out.add(new EncodedFrame(unit, arrivalMicros, sequence++));
            recordsToSkip++; // should its record come after all
            return;
        }
        closed.add(new Closed(unit, arrivalMicros));
        pair(nowNanos, nowMicros, out);
        while (closed.size() > MAX_WAITING) {
            Closed late = closed.poll();
            out.add(new EncodedFrame(late.unit(), late.arrivalMicros(), sequence++));
            recordsToSkip++;
        }
    }

    private void pair(long nowNanos, long nowMicros, List<EncodedFrame> out) {
        while (!closed.isEmpty() && !records.isEmpty()) {
            Closed picture = closed.poll();
            FrameMetadata record = records.poll();
            out.add(new EncodedFrame(picture.unit(), captureMicros(record, picture.arrivalMicros(), nowNanos, nowMicros),
                    sequence++));
        }
    }

    /** The sensor timestamp moved from the monotonic clock to the wall clock, or the arrival where it cannot be. */
    private long captureMicros(FrameMetadata record, long arrivalMicros, long nowNanos, long nowMicros) {
        OptionalLong sensor = record.sensorTimestampNanos();
        if (sensor.isEmpty()) {
            unusableTimestamps++;
            return arrivalMicros;
        }
        long age = nowNanos - sensor.getAsLong();
        if (age < 0 || age > MAX_SENSOR_AGE_NANOS) {
            unusableTimestamps++;
            return arrivalMicros;
        }
        return nowMicros - age / 1000;
    }

    /** Records seen so far: whether the program writes them at all. */
    boolean metadataSeen() {
        return metadataSeen;
    }

    /** Records without a sensor timestamp on this machine's monotonic clock (their frames are stamped on arrival). */
    long unusableTimestamps() {
        return unusableTimestamps;
    }

    /** Bytes that came after their picture had been closed (see {@link AccessUnitFramer#strayBytes()}). */
    long strayBytes() {
        return framer.strayBytes();
    }

    /** The next sequence number, for the program's next run. */
    long nextSequence() {
        return sequence;
    }
}
