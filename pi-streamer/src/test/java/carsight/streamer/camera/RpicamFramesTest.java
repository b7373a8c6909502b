package carsight.streamer.camera;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** rpicam-vid's frames and metadata records, paired by order, with times given by the test. */
class RpicamFramesTest {

    /** The monotonic clock (ns) and the wall clock (µs) at the same instant. */
    static final long NANOS = 5_000_000_000_000L;
    static final long MICROS = 1_764_600_000_000_000L;

    static byte[] picture(int n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{0, 0, 0, 1, 0x41, (byte) 0x88}); // a slice with first_mb_in_slice 0
        for (int i = 0; i < 100 + n; i++) {
            out.write(0x20 + n % 50);
        }
        return out.toByteArray();
    }

    static FrameMetadata record(long sensorNanos) {
        return new FrameMetadata(Map.of("ExposureTime", "20000", "SensorTimestamp", String.valueOf(sensorNanos),
                "AnalogueGain", "1.000000"));
    }

    /** Feeds bytes at {@code atMillis} after the start; both clocks move together. */
    static List<EncodedFrame> bytes(RpicamFrames frames, byte[] b, long atMillis) {
        return frames.bytes(b, 0, b.length, NANOS + atMillis * 1_000_000, MICROS + atMillis * 1_000);
    }

    static List<EncodedFrame> record(RpicamFrames frames, long sensorAtMillis, long atMillis) {
        return frames.record(record(NANOS + sensorAtMillis * 1_000_000), NANOS + atMillis * 1_000_000,
                MICROS + atMillis * 1_000);
    }

    @Test
    void theRecordClosesItsFrameAtOnceAndGivesItTheSensorsTime() {
        RpicamFrames frames = new RpicamFrames(0);
        assertThat(bytes(frames, picture(0), 40)).as("bytes alone: the frame may go on").isEmpty();

        List<EncodedFrame> out = record(frames, 5, 41); // readout began 35 ms before the bytes came

        assertThat(out).singleElement().satisfies(f -> {
            assertThat(f.captureTimeMicros()).isEqualTo(MICROS + 5_000);
            assertThat(f.sequence()).isZero();
            assertThat(f.accessUnit().size()).isEqualTo(picture(0).length - 4);
        });
        assertThat(frames.metadataSeen()).isTrue();
    }

    @Test
    void withoutRecordsAFrameGoesWhenTheNextOneHasBegunStampedWithItsArrival() {
        RpicamFrames frames = new RpicamFrames(7);
        List<EncodedFrame> out = new ArrayList<>();
        for (int n = 0; n < 4; n++) {
            out.addAll(bytes(frames, picture(n), 100L * n));
        }
        assertThat(out).extracting(EncodedFrame::sequence).containsExactly(7L, 8L);
        assertThat(out.get(0).captureTimeMicros()).as("frame 0 closed when frame 2 arrived").isEqualTo(MICROS + 200_000);
        assertThat(frames.metadataSeen()).isFalse();
    }

    @Test
    void aRecordReadAfterTheNextFramesBytesStillPairsWithItsOwnFrame() {
        RpicamFrames frames = new RpicamFrames(0);
        bytes(frames, picture(0), 30);
        assertThat(record(frames, 0, 31)).hasSize(1);
        // frame 1's bytes, then frame 2's, and only then frame 1's record (a slow reader of the records)
        bytes(frames, picture(1), 63);
        assertThat(bytes(frames, picture(2), 96)).isEmpty();
        assertThat(bytes(frames, picture(3), 129)).as("frame 1 closed by frame 2 ending, waits for its record").isEmpty();

        List<EncodedFrame> out = record(frames, 33, 130);
        out.addAll(record(frames, 66, 131));

        assertThat(out).extracting(EncodedFrame::captureTimeMicros).containsExactly(MICROS + 33_000, MICROS + 66_000);
        assertThat(out).extracting(EncodedFrame::sequence).containsExactly(1L, 2L);
        assertThat(record(frames, 99, 132)).singleElement()
                .satisfies(f -> assertThat(f.captureTimeMicros()).isEqualTo(MICROS + 99_000));
    }

    @Test
    void aRecordThatCameBeforeItsBytesWaitsForThem() {
        RpicamFrames frames = new RpicamFrames(0);
        assertThat(record(frames, 0, 20)).as("nothing to close yet").isEmpty();
        bytes(frames, picture(0), 21);

        assertThat(record(frames, 33, 54)).as("the next record closes the frame; it gets its own record's time")
                .hasSize(1).first().satisfies(f -> assertThat(f.captureTimeMicros()).isEqualTo(MICROS));
    }

    @Test
    void aRecordThatWaitedDoesNotLeaveTheNextFramesOneBehind() {
        RpicamFrames frames = new RpicamFrames(0);
        assertThat(record(frames, 0, 20)).isEmpty(); // frame 0's record before its bytes
        bytes(frames, picture(0), 21);
        bytes(frames, picture(1), 53); // frame 1 complete too when its record comes
        List<EncodedFrame> out = record(frames, 33, 54);

        assertThat(out).as("both frames go at frame 1's record").extracting(EncodedFrame::captureTimeMicros)
                .containsExactly(MICROS, MICROS + 33_000);
        bytes(frames, picture(2), 86);
        assertThat(record(frames, 66, 87)).as("and frame 2 at its own record, not one frame later").singleElement()
                .satisfies(f -> assertThat(f.captureTimeMicros()).isEqualTo(MICROS + 66_000));
    }

    @Test
    void aTimestampThatIsNotOnThisMachinesMonotonicClockIsNotUsed() {
        RpicamFrames frames = new RpicamFrames(0);
        bytes(frames, picture(0), 40);
        List<EncodedFrame> out = frames.record(record(NANOS + 60_000_000_000L), NANOS + 41_000_000, MICROS + 41_000);
        bytes(frames, picture(1), 70);
        out.addAll(frames.record(new FrameMetadata(Map.of("ExposureTime", "100")), NANOS + 71_000_000, MICROS + 71_000));

        assertThat(out).extracting(EncodedFrame::captureTimeMicros).as("stamped on arrival instead")
                .containsExactly(MICROS + 41_000, MICROS + 71_000);
        assertThat(frames.unusableTimestamps()).isEqualTo(2);
    }

    @Test
    void whenRecordsStopFramesStillGoWithOnlyASmallDelay() {
        RpicamFrames frames = new RpicamFrames(0);
        bytes(frames, picture(0), 0);
        record(frames, 0, 1);
        List<EncodedFrame> out = new ArrayList<>();
        for (int n = 1; n <= 6; n++) {
            out.addAll(bytes(frames, picture(n), 33L * n));
        }
        assertThat(out).as("at most %d frames wait for records that do not come", RpicamFrames.MAX_WAITING)
                .extracting(EncodedFrame::sequence).containsExactly(1L, 2L);
        // a late record of an already-sent frame is skipped: the next record still pairs with its own frame
        assertThat(record(frames, 33, 200)).isEmpty();
    }

    @Test
    void theParserReadsRecordsInAnyKeyOrder() {
        FrameMetadata.Parser parser = new FrameMetadata.Parser();
        assertThat(parser.line("SensorTimestamp=8303502247000")).isNull();
        assertThat(parser.line("ColourGains=[ 1.965870, 1.733057 ]")).isNull();
        assertThat(parser.line("ExposureTime=29984")).isNull();
        FrameMetadata record = parser.line("");

        assertThat(record.sensorTimestampNanos()).hasValue(8_303_502_247_000L);
        assertThat(record.exposureMicros()).hasValue(29_984);
        assertThat(record.values()).containsEntry("ColourGains", "[ 1.965870, 1.733057 ]");
        assertThat(parser.line("")).as("blank lines between records").isNull();
    }
}
