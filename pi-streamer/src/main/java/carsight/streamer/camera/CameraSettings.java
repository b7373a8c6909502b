package carsight.streamer.camera;

/**
 * What the operator asked of the camera.
 *
 * @param gopFrames frames from one IDR to the next; short GOPs let late joiners and lossy links recover sooner
 */
public record CameraSettings(int width, int height, double fps, int bitrateBps, int gopFrames) {

    public CameraSettings {
        if (width < 64 || height < 64 || width > 4096 || height > 4096 || width % 2 != 0 || height % 2 != 0) {
            throw new IllegalArgumentException("camera size " + width + "x" + height
                    + " is not usable: width and height must be even and between 64 and 4096");
        }
        if (!(fps > 0 && fps <= 240)) {
            throw new IllegalArgumentException("camera frame rate " + fps + " must be above 0 and at most 240");
        }
        if (bitrateBps < 50_000 || bitrateBps > 50_000_000) {
            throw new IllegalArgumentException("camera bitrate " + bitrateBps + " b/s must be 50k..50M");
        }
        if (gopFrames < 1 || gopFrames > 3000) {
            throw new IllegalArgumentException("GOP length " + gopFrames + " must be 1..3000 frames");
        }
    }

    public static CameraSettings defaults() {
        return new CameraSettings(640, 480, 30, 1_500_000, 30);
    }

    public String describe() {
        return width + "x" + height + "@" + (fps == Math.rint(fps) ? String.valueOf((int) fps) : String.valueOf(fps))
                + " " + bitrateBps / 1000 + " kb/s GOP " + gopFrames;
    }
}
