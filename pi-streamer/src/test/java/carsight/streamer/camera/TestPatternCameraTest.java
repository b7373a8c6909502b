package carsight.streamer.camera;

import carsight.protocol.timecode.FrameTimecode;
import carsight.protocol.timecode.TimecodeWord;
import carsight.streamer.h264.NalUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

// runs ffmpeg: the second tier (mvn verify)
@Tag("process")
class TestPatternCameraTest {

    static boolean ffmpegAvailable() {
        return Files.isExecutable(Path.of("/usr/bin/ffmpeg"));
    }

    @Test
    void encodedFramesDecodeBackToTheCaptureTimesTheyWereGiven(@TempDir Path dir) throws Exception {
        assumeTrue(ffmpegAvailable(), "ffmpeg is not installed (the README's test command installs it)");
        CameraSettings settings = new CameraSettings(640, 480, 30, 1_000_000, 15);
        List<EncodedFrame> frames = Collections.synchronizedList(new ArrayList<>());
        try (TestPatternCamera camera = new TestPatternCamera(settings, "/usr/bin/ffmpeg")) {
            camera.start(frames::add);
            await().atMost(20, TimeUnit.SECONDS).until(() -> frames.size() >= 30);
        }
        List<EncodedFrame> got = List.copyOf(frames);
        assertThat(got.get(0).keyframe()).isTrue();
        assertThat(got.get(0).accessUnit().hasParameterSets()).isTrue();
        assertThat(got).filteredOn(EncodedFrame::keyframe).hasSizeGreaterThanOrEqualTo(2);
        for (int i = 1; i < got.size(); i++) {
            assertThat(got.get(i).captureTimeMicros()).isGreaterThan(got.get(i - 1).captureTimeMicros());
            assertThat(got.get(i).sequence()).isEqualTo(got.get(i - 1).sequence() + 1);
        }

        Path h264 = dir.resolve("pattern.h264");
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (EncodedFrame f : got) {
            for (NalUnit nal : f.accessUnit().nalUnits()) {
                stream.write(new byte[]{0, 0, 0, 1});
                stream.write(nal.bytes());
            }
        }
        Files.write(h264, stream.toByteArray());
        Path gray = dir.resolve("pattern.gray");
        Process decode = new ProcessBuilder("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "h264",
                "-i", h264.toString(), "-f", "rawvideo", "-pix_fmt", "gray", "-y", gray.toString())
                .redirectErrorStream(true).start();
        assertThat(decode.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(decode.exitValue()).as(new String(decode.getInputStream().readAllBytes())).isZero();

        byte[] planes = Files.readAllBytes(gray);
        int frameBytes = 640 * 480;
        assertThat(planes.length / frameBytes).isEqualTo(got.size());
        for (int i = 0; i < got.size(); i++) {
            byte[] plane = java.util.Arrays.copyOfRange(planes, i * frameBytes, (i + 1) * frameBytes);
            Optional<TimecodeWord.Timecode> tc = FrameTimecode.read(FrameTimecode.LumaSource.ofPlane(plane, 640), 640);
            assertThat(tc).as("frame %d carries a readable timecode", i).isPresent();
            long capture = got.get(i).captureTimeMicros();
            assertThat(tc.get().captureTimeNear(capture)).as("frame %d", i).isEqualTo(capture);
        }
    }
}
