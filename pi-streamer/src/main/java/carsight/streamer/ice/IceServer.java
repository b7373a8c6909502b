package carsight.streamer.ice;

import java.net.URI;

/**
 * A STUN or TURN server, from {@code --ice-server URL}: {@code stun:host[:port]} or
 * {@code turn:host[:port][?transport=udp]} with a username and credential — fixed ones, or short-lived ones made
 * from {@code --turn-secret} ({@link TurnCredentials}; then {@code expiresAtSeconds} says until when, else null).
 */
public record IceServer(String url, String username, String credential, Long expiresAtSeconds) {

    public IceServer {
        if (url == null || !(url.startsWith("stun:") || url.startsWith("turn:"))) {
            throw new IllegalArgumentException("ICE server '" + url + "' must start with stun: or turn:");
        }
        host(url);
    }

    public IceServer(String url, String username, String credential) {
        this(url, username, credential, null);
    }

    public boolean hasCredentials() {
        return username != null && credential != null;
    }

    public boolean isTurn() {
        return url.startsWith("turn:");
    }

    public String host() {
        return host(url);
    }

    public int port() {
        String rest = hostPort(url);
        int colon = rest.lastIndexOf(':');
        if (colon < 0 || rest.endsWith("]")) {
            return 3478;
        }
        try {
            int port = Integer.parseInt(rest.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("ICE server '" + url + "' has a bad port");
        }
    }

    private static String hostPort(String url) {
        String rest = url.substring(5);
        int query = rest.indexOf('?');
        return query < 0 ? rest : rest.substring(0, query);
    }

    private static String host(String url) {
        String rest = hostPort(url);
        if (rest.startsWith("[")) {
            int end = rest.indexOf(']');
            if (end < 0) {
                throw new IllegalArgumentException("ICE server '" + url + "' has an unclosed IPv6 address");
            }
            return rest.substring(1, end);
        }
        int colon = rest.lastIndexOf(':');
        String host = colon < 0 ? rest : rest.substring(0, colon);
        if (host.isEmpty()) {
            throw new IllegalArgumentException("ICE server '" + url + "' has no host");
        }
        URI.create("stun://" + host); // rejects spaces and other junk
        return host;
    }

    /** For logs: the URL without credentials. */
    @Override
    public String toString() {
        return url + (username == null ? "" : " (user " + username + ")");
    }
}
