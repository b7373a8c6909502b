package carsight.streamer.camera;

import carsight.protocol.timecode.FrameTimecode;
import carsight.protocol.timecode.TimecodeWord;
import carsight.streamer.h264.NalUnit;
import carsight.streamer.h264.Sps;
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

// runs ffmpeg to decode what it made: the second tier (mvn verify)
@Tag("process")
class JCodecPatternCameraTest {

    @Test
    void theFallbackEncoderMakesDecodableFramesWithTheirTimecode(@TempDir Path dir) throws Exception {
        CameraSettings settings = new CameraSettings(640, 480, 30, 1_000_000, 5);
        List<EncodedFrame> frames = Collections.synchronizedList(new ArrayList<>());
        try (JCodecPatternCamera camera = new JCodecPatternCamera(settings)) {
            camera.start(frames::add);
            await().atMost(30, TimeUnit.SECONDS).until(() -> frames.size() >= 7);
            assertThat(camera.requestKeyframe()).isTrue();
        }
        List<EncodedFrame> got = List.copyOf(frames);
        assertThat(got.get(0).keyframe()).isTrue();
        NalUnit spsNal = got.get(0).accessUnit().nalUnits().stream().filter(n -> n.type() == NalUnit.TYPE_SPS).findFirst().orElseThrow();
        Sps sps = Sps.parse(spsNal);
        assertThat(sps.width()).isEqualTo(640);
        assertThat(sps.height()).isEqualTo(480);

        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ffmpeg")), "decoding the result needs ffmpeg");
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (EncodedFrame f : got) {
            for (NalUnit nal : f.accessUnit().nalUnits()) {
                stream.write(new byte[]{0, 0, 0, 1});
                stream.write(nal.bytes());
            }
        }
        Path h264 = dir.resolve("jcodec.h264");
        Files.write(h264, stream.toByteArray());
        Path gray = dir.resolve("jcodec.gray");
        Process decode = new ProcessBuilder("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "h264", "-i",
                h264.toString(), "-f", "rawvideo", "-pix_fmt", "gray", "-y", gray.toString()).redirectErrorStream(true).start();
        assertThat(decode.waitFor(30, TimeUnit.SECONDS)).isTrue();
        byte[] planes = Files.readAllBytes(gray);
        assertThat(planes.length / (640 * 480)).isEqualTo(got.size());
        byte[] first = java.util.Arrays.copyOf(planes, 640 * 480);
        Optional<TimecodeWord.Timecode> tc = FrameTimecode.read(FrameTimecode.LumaSource.ofPlane(first, 640), 640);
        assertThat(tc).isPresent();
        assertThat(tc.get().captureTimeNear(got.get(0).captureTimeMicros())).isEqualTo(got.get(0).captureTimeMicros());
    }
}
