package carsight.console.latency;

/**
 * Where one frame's time went, in milliseconds, on our clock: camera → sent (the streamer's own report), network
 * (sent → last packet arrived here), receiver (jitter buffer and decode: arrived → decoded frame handed to us), and
 * on screen (handed to us → shown). {@code totalMillis} is capture → on screen, the glass-to-glass estimate minus
 * whatever the camera adds before it timestamps a frame.
 */
public record FrameLatency(long rtpTimestamp, double totalMillis, double cameraToSentMillis, double networkMillis,
                           double receiverMillis, double screenMillis, long screenTimeMicros) {
}
