package carsight.streamer.ice;

import java.util.List;

/**
 * How viewers' ICE agents gather candidates.
 *
 * @param servers       STUN/TURN servers for server-reflexive and relay candidates
 * @param minPort       lowest UDP port for host candidates, 0 for any
 * @param maxPort       highest UDP port for host candidates, 0 for any
 */
public record IceConfig(List<IceServer> servers, int minPort, int maxPort) {

    public IceConfig {
        servers = List.copyOf(servers);
        if (minPort < 0 || maxPort < 0 || maxPort > 65535 || minPort > maxPort) {
            throw new IllegalArgumentException("ICE port range " + minPort + "-" + maxPort + " is not valid");
        }
    }

    public static IceConfig hostOnly() {
        return new IceConfig(List.of(), 0, 0);
    }
}
