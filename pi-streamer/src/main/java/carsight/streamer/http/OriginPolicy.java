package carsight.streamer.http;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which web pages may open {@code /signal}. Browsers send the page's origin with every WebSocket; without this check
 * any site the operator visits could try the streamer from the operator's own browser. Allowed: no Origin at all
 * (native clients), the streamer's own page (an origin naming the same host and port as the request's {@code Host}
 * header, whatever name or address the viewer used), and the origins given with {@code --allow-origin} ("*" allows
 * every origin). The token is still required either way.
 */
public final class OriginPolicy {

    private final Set<String> allowed;
    private final boolean any;

    public OriginPolicy(List<String> allowedOrigins) {
        Set<String> a = new HashSet<>();
        for (String o : allowedOrigins) {
            a.add(normalize(o));
        }
        this.any = a.contains("*");
        this.allowed = Set.copyOf(a);
    }

    /**
     * @param origin the request's {@code Origin} header, or null
     * @param host   the request's {@code Host} header, or null
     */
    public boolean allows(String origin, String host) {
        if (origin == null || origin.isEmpty() || any) {
            return true;
        }
        String o = normalize(origin);
        if (allowed.contains(o)) {
            return true;
        }
        int scheme = o.indexOf("://");
        if (host == null || scheme < 0 || !(o.startsWith("http://") || o.startsWith("https://"))) {
            return false; // "null" (sandboxed or file: pages) and anything odd
        }
        return o.substring(scheme + 3).equals(host.strip().toLowerCase(Locale.ROOT));
    }

    private static String normalize(String origin) {
        String o = origin.strip().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }
}
