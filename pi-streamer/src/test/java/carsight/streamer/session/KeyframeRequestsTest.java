package carsight.streamer.session;

import carsight.streamer.camera.Camera;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Keyframe requests on a made-up clock: a storm of PLIs reaches the camera as one request per interval. */
class KeyframeRequestsTest {

    private static final long MS = 1_000_000L;

    static final class CountingCamera implements Camera {
        int requests;
        boolean canMakeKeyframes = true;

        @Override
        public void start(Listener listener) {
        }

        @Override
        public boolean requestKeyframe() {
            requests++;
            return canMakeKeyframes;
        }

        @Override
        public String describe() {
            return "counting camera";
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aPliStormFromFourViewersReachesTheCameraOncePerInterval() {
        CountingCamera camera = new CountingCamera();
        KeyframeRequests keyframes = new KeyframeRequests(camera, 500);
        // four viewers on a lossy link, each sending a PLI every 20 ms for two seconds
        for (long t = 0; t < 2_000; t += 20) {
            for (int viewer = 0; viewer < 4; viewer++) {
                assertThat(keyframes.request("PLI", 10_000 * MS + t * MS)).isTrue();
            }
        }
        assertThat(camera.requests).as("at 0, 500, 1000 and 1500 ms").isEqualTo(4);
    }

    @Test
    void theFirstRequestGoesThroughAtOnceAndTheNextAfterTheInterval() {
        CountingCamera camera = new CountingCamera();
        KeyframeRequests keyframes = new KeyframeRequests(camera, 500);
        keyframes.request("PLI", 0);
        keyframes.request("FIR", 499 * MS);
        assertThat(camera.requests).isEqualTo(1);
        keyframes.request("PLI", 500 * MS);
        assertThat(camera.requests).isEqualTo(2);
    }

    @Test
    void aCameraThatCannotMakeKeyframesIsAnsweredSoForTheWholeInterval() {
        CountingCamera camera = new CountingCamera();
        camera.canMakeKeyframes = false;
        KeyframeRequests keyframes = new KeyframeRequests(camera, 500);
        assertThat(keyframes.request("PLI", 0)).as("replay the cached pictures instead").isFalse();
        assertThat(keyframes.request("PLI", 100 * MS)).isFalse();
        assertThat(camera.requests).isEqualTo(1);
    }
}
