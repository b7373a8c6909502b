package carsight.streamer.session;

/**
 * Limits and knobs of the viewer sessions.
 *
 * @param maxViewers          viewers served at once; more get "busy"
 * @param viewerQueueFrames   frames a viewer may fall behind before it skips to the next keyframe
 * @param playoutDelayMinMillis sent in the playout-delay extension (0,0 = render at once)
 * @param allowedOrigins      web origins besides the streamer's own page that may open /signal ("*": any)
 * @param tls                 the port speaks HTTPS/WSS with this context, or plain HTTP/WS when null
 */
public record StreamerSettings(int maxViewers, int viewerQueueFrames, int playoutDelayMinMillis,
                               int playoutDelayMaxMillis, java.util.List<String> allowedOrigins,
                               javax.net.ssl.SSLContext tls) {

    public StreamerSettings(int maxViewers, int viewerQueueFrames, int playoutDelayMinMillis, int playoutDelayMaxMillis,
                            java.util.List<String> allowedOrigins) {
        this(maxViewers, viewerQueueFrames, playoutDelayMinMillis, playoutDelayMaxMillis, allowedOrigins, null);
    }

    public StreamerSettings(int maxViewers, int viewerQueueFrames, int playoutDelayMinMillis, int playoutDelayMaxMillis) {
        this(maxViewers, viewerQueueFrames, playoutDelayMinMillis, playoutDelayMaxMillis, java.util.List.of(), null);
    }

    public StreamerSettings {
        if (maxViewers < 1 || maxViewers > 64) {
            throw new IllegalArgumentException("--max-viewers must be 1..64, got " + maxViewers);
        }
        if (playoutDelayMinMillis < 0 || playoutDelayMaxMillis < playoutDelayMinMillis || playoutDelayMaxMillis > 40_950) {
            throw new IllegalArgumentException("--playout-delay must be MIN,MAX with 0 ≤ MIN ≤ MAX ≤ 40950 ms");
        }
        allowedOrigins = java.util.List.copyOf(allowedOrigins);
    }

    public static StreamerSettings defaults() {
        return new StreamerSettings(8, 60, 0, 0);
    }
}
