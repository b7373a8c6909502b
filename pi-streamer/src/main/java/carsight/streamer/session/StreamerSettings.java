package carsight.streamer.session;

/**
 * Limits and knobs of the viewer sessions.
 *
 * @param maxViewers          viewers served at once; more get "busy"
 * @param latencyBudgetMillis how long a frame may wait in the streamer for a viewer; a later one is not sent late
 *                            but skipped, up to the next keyframe that can leave in time
 * @param playoutDelayMinMillis sent in the playout-delay extension (0,0 = render at once)
 * @param allowedOrigins      web origins besides the streamer's own page that may open /signal ("*": any)
 * @param tls                 the port speaks HTTPS/WSS with this context, or plain HTTP/WS when null
 */
public record StreamerSettings(int maxViewers, int latencyBudgetMillis, int playoutDelayMinMillis,
                               int playoutDelayMaxMillis, java.util.List<String> allowedOrigins,
                               javax.net.ssl.SSLContext tls) {

    public StreamerSettings(int maxViewers, int latencyBudgetMillis, int playoutDelayMinMillis, int playoutDelayMaxMillis,
                            java.util.List<String> allowedOrigins) {
        this(maxViewers, latencyBudgetMillis, playoutDelayMinMillis, playoutDelayMaxMillis, allowedOrigins, null);
    }

    public StreamerSettings(int maxViewers, int latencyBudgetMillis, int playoutDelayMinMillis, int playoutDelayMaxMillis) {
        this(maxViewers, latencyBudgetMillis, playoutDelayMinMillis, playoutDelayMaxMillis, java.util.List.of(), null);
    }

    /** Four to five frame intervals at 30 fps: room for a keyframe's burst, far below a lag anyone would accept. */
    public static final int DEFAULT_LATENCY_BUDGET_MILLIS = 150;

    public StreamerSettings {
        if (maxViewers < 1 || maxViewers > 64) {
            throw new IllegalArgumentException("--max-viewers must be 1..64, got " + maxViewers);
        }
        if (latencyBudgetMillis < 20 || latencyBudgetMillis > 10_000) {
            throw new IllegalArgumentException("--latency-budget must be 20..10000 ms, got " + latencyBudgetMillis);
        }
        if (playoutDelayMinMillis < 0 || playoutDelayMaxMillis < playoutDelayMinMillis || playoutDelayMaxMillis > 40_950) {
            throw new IllegalArgumentException("--playout-delay must be MIN,MAX with 0 ≤ MIN ≤ MAX ≤ 40950 ms");
        }
        allowedOrigins = java.util.List.copyOf(allowedOrigins);
    }

    public static StreamerSettings defaults() {
        return new StreamerSettings(8, DEFAULT_LATENCY_BUDGET_MILLIS, 0, 0);
    }
}
