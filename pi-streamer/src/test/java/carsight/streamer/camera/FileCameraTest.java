package carsight.streamer.camera;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class FileCameraTest {

    static final Path PI_FIXTURE = Path.of("src/test/resources/h264/pi-car-720p30-high.h264");

    @Test
    void playsThePiRecordingAndLoopsAtItsFirstIdr() throws Exception {
        List<EncodedFrame> frames = Collections.synchronizedList(new ArrayList<>());
        try (FileCamera camera = new FileCamera(PI_FIXTURE, 300)) {
            assertThat(camera.frameCount()).isEqualTo(111);
            assertThat(camera.sps().profileLevelId()).isEqualTo("640028");
            camera.start(frames::add);
            await().atMost(20, TimeUnit.SECONDS).until(() -> frames.size() >= 115);
        }
        List<EncodedFrame> got = List.copyOf(frames);
        assertThat(got.get(0).keyframe()).isTrue();
        assertThat(got.get(111).keyframe()).as("the loop restarts on an IDR").isTrue();
        assertThat(got.get(111).accessUnit()).isEqualTo(got.get(0).accessUnit());
        for (int i = 1; i < got.size(); i++) {
            assertThat(got.get(i).captureTimeMicros()).isGreaterThanOrEqualTo(got.get(i - 1).captureTimeMicros());
        }
    }

    @Test
    void aFileWithoutPicturesIsRefusedWithAReason() throws Exception {
        Path junk = java.nio.file.Files.createTempFile("carsight", ".h264");
        java.nio.file.Files.write(junk, new byte[]{1, 2, 3, 4, 5});
        assertThatThrownBy(() -> new FileCamera(junk, 0)).hasMessageContaining("has no IDR picture");
    }
}
