package carsight.console.peer;

/**
 * Once-a-second receive statistics from libwebrtc.
 *
 * @param candidateType host, srflx, prflx or relay (the local end of the selected pair), or "none"
 */
public record LinkStats(String iceState, String candidateType, double bitrateKbps, double fps, long packetsLost,
                        long packetsReceived, long nackCount, long freezeCount, long framesDecoded, long framesDropped) {

    public double lossPercent() {
        long total = packetsLost + packetsReceived;
        return total == 0 ? 0 : 100.0 * packetsLost / total;
    }
}
