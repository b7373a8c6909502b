package carsight.streamer.camera;

import carsight.streamer.h264.AccessUnit;

/**
 * One encoded picture from a camera source.
 *
 * @param accessUnit        the H.264 bytes, exactly as the encoder produced them
 * @param captureTimeMicros when the picture was taken, microseconds since the Unix epoch on this machine's wall
 *                          clock (the camera's own timestamp where it gives one, else when the encoder released it,
 *                          plus the camera's calibrated offset). RTP timestamps and sender reports derive from it.
 * @param sequence          frame counter of this source, starting at 0, increasing by one per frame
 */
public record EncodedFrame(AccessUnit accessUnit, long captureTimeMicros, long sequence) {

    public boolean keyframe() {
        return accessUnit.keyframe();
    }
}
