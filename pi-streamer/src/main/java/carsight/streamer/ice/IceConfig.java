package carsight.streamer.ice;

import java.util.List;

/**
 * How viewers' ICE agents gather candidates.
 *
 * @param servers       STUN/TURN servers for server-reflexive and relay candidates
 * @param minPort       lowest UDP port for host candidates, 0 for any
 * @param maxPort       highest UDP port for host candidates, 0 for any
 * @param turnSecret    secret shared with the TURN server for short-lived credentials, or null
 * @param turnTtlSeconds how long a short-lived TURN credential lasts
 */
public record IceConfig(List<IceServer> servers, int minPort, int maxPort, String turnSecret, long turnTtlSeconds) {

    /** Name inside short-lived TURN usernames ({@code <expiry>:carsight}). */
    static final String TURN_NAME = "carsight";

    public IceConfig {
        servers = List.copyOf(servers);
        for (IceServer s : servers) {
            if (s.isTurn() && !s.hasCredentials() && turnSecret == null) {
                throw new IllegalArgumentException("TURN server " + s.url()
                        + " needs --ice-username and --ice-credential, or --turn-secret for short-lived credentials");
            }
        }
        if (turnSecret != null && (turnSecret.isEmpty() || turnTtlSeconds < 60)) {
            throw new IllegalArgumentException("--turn-secret needs a non-empty secret and a lifetime of 60 s or more");
        }
        if (minPort < 0 || maxPort < 0 || maxPort > 65535 || minPort > maxPort) {
            throw new IllegalArgumentException("ICE port range " + minPort + "-" + maxPort + " is not valid");
        }
    }

    public IceConfig(List<IceServer> servers, int minPort, int maxPort) {
        this(servers, minPort, maxPort, null, 0);
    }

    public static IceConfig hostOnly() {
        return new IceConfig(List.of(), 0, 0);
    }

    /**
     * The servers with usable credentials at {@code nowSeconds} (Unix): TURN servers without fixed credentials get
     * fresh short-lived ones from the shared secret, valid for {@code turnTtlSeconds}.
     */
    public List<IceServer> resolved(long nowSeconds) {
        return servers.stream().map(s -> s.isTurn() && !s.hasCredentials()
                ? TurnCredentials.issue(s, turnSecret, TURN_NAME, nowSeconds + turnTtlSeconds) : s).toList();
    }
}
