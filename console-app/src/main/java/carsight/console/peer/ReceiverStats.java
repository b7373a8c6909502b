package carsight.console.peer;

import carsight.receiver.InboundVideo;

import java.util.Optional;

/**
 * Turns libwebrtc's cumulative counters, read once a second, into what the operator sees: the bitrate over the last
 * interval, and the jitter-buffer and decode time per frame over it (for the latency breakdown). One thread uses it.
 */
final class ReceiverStats {

    /** Mean time a frame spent in the jitter buffer and in the decoder over the last interval, ms. */
    record Delays(double jitterMillis, double decodeMillis) {
    }

    private long lastBytes;
    private long lastStatsNanos;
    private long lastEmitted;
    private double lastJitterSeconds;
    private long lastDecoded;
    private double lastDecodeSeconds;
    private double kbps;

    /** Takes the next report; the delays over the interval since the last one, if frames came in it. */
    Optional<Delays> next(InboundVideo inbound, long nowNanos) {
        long emitted = inbound.count("jitterBufferEmittedCount");
        double jitterSeconds = inbound.value("jitterBufferDelay");
        long decoded = inbound.count("framesDecoded");
        double decodeSeconds = inbound.value("totalDecodeTime");
        Optional<Delays> delays = Optional.empty();
        if (emitted > lastEmitted && decoded > lastDecoded) {
            delays = Optional.of(new Delays((jitterSeconds - lastJitterSeconds) * 1000 / (emitted - lastEmitted),
                    (decodeSeconds - lastDecodeSeconds) * 1000 / (decoded - lastDecoded)));
        }
        lastEmitted = emitted;
        lastJitterSeconds = jitterSeconds;
        lastDecoded = decoded;
        lastDecodeSeconds = decodeSeconds;
        long bytes = inbound.count("bytesReceived");
        kbps = lastStatsNanos == 0 ? 0 : Math.max(0, (bytes - lastBytes) * 8.0 / ((nowNanos - lastStatsNanos) / 1e9) / 1000);
        lastBytes = bytes;
        lastStatsNanos = nowNanos;
        return delays;
    }

    /** The report as the status bar shows it, with the bitrate from the last {@link #next}. */
    LinkStats linkStats(String state, InboundVideo inbound) {
        return new LinkStats(state, inbound.candidateType(), kbps, inbound.value("framesPerSecond"),
                inbound.count("packetsLost"), inbound.count("packetsReceived"), inbound.count("nackCount"),
                inbound.count("freezeCount"), inbound.count("framesDecoded"), inbound.count("framesDropped"));
    }
}
