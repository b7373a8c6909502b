package carsight.protocol.relay;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where a car's stream is relayed: a Janus server's HTTP API and a streaming mountpoint on it, written
 * {@code janus+http://HOST[:PORT][/PATH]?mountpoint=ID} (or {@code janus+https://}). The port defaults to Janus's
 * 8088 (8089 for HTTPS), the path to {@code /janus}. The car publishes to that mountpoint ({@code --relay}), and a
 * console watches it ({@code --connect}) with the same text.
 *
 * @param api        the Janus HTTP API's base, e.g. {@code http://relay.example.net:8088/janus}
 * @param mountpoint the streaming plugin's mountpoint id, 1..2^53
 */
public record RelayAddress(URI api, long mountpoint) {

    public static final String EXAMPLE = "janus+http://relay.example.net:8088/janus?mountpoint=7";
    private static final long MAX_ID = (1L << 53) - 1; // Janus's ids travel as JSON numbers

    public RelayAddress {
        if (mountpoint < 1 || mountpoint > MAX_ID) {
            throw new IllegalArgumentException("mountpoint must be 1.." + MAX_ID);
        }
    }

    /** Whether {@code text} is written as a relay address (it may still be a bad one). */
    public static boolean looksLikeRelay(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        return t.startsWith("janus+http://") || t.startsWith("janus+https://") || t.startsWith("janus:");
    }

    /**
     * Reads a relay address.
     *
     * @throws IllegalArgumentException saying what is wrong and what a valid address looks like
     */
    public static RelayAddress parse(String text) {
        String t = text.strip();
        URI uri;
        try {
            uri = new URI(t);
        } catch (URISyntaxException e) {
            throw bad(text, "not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean secure;
        if (scheme.equals("janus+http")) {
            secure = false;
        } else if (scheme.equals("janus+https")) {
            secure = true;
        } else {
            throw bad(text, "it must start with janus+http:// or janus+https://");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw bad(text, "it names no host");
        }
        if (uri.getUserInfo() != null) {
            throw bad(text, "no user or password belongs in it");
        }
        if (uri.getFragment() != null) {
            throw bad(text, "it has a # part");
        }
        int port = uri.getPort() < 0 ? (secure ? 8089 : 8088) : uri.getPort();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/")
                ? "/janus" : uri.getRawPath();
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        Long id = null;
        String query = uri.getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                if (!name.equals("mountpoint")) {
                    throw bad(text, "'" + name + "' is not a setting of it (only mountpoint=ID)");
                }
                try {
                    id = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw bad(text, "mountpoint must be a number");
                }
            }
        }
        if (id == null) {
            throw bad(text, "it names no mountpoint (?mountpoint=ID)");
        }
        if (id < 1 || id > MAX_ID) {
            throw bad(text, "mountpoint must be 1.." + MAX_ID);
        }
        try {
            return new RelayAddress(new URI(secure ? "https" : "http", null, host, port, path, null, null), id);
        } catch (URISyntaxException e) {
            throw bad(text, "not a URL");
        }
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("'" + text + "' is not a relay address: " + why + ". A relay address "
                + "looks like " + EXAMPLE);
    }

    /** The address as written, for logs and the screen. */
    @Override
    public String toString() {
        return "janus+" + api + "?mountpoint=" + mountpoint;
    }
}
