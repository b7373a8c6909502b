package carsight.streamer.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Failed token attempts per client address. After {@link #MAX_FAILURES} failures within {@link #WINDOW_NANOS} an
 * address is refused outright — even with the right token — until that window has passed, so guessing the token
 * costs a minute per ten tries. IPv6 clients count per /64 (one host usually owns the whole prefix). The table is
 * bounded: the least recently seen addresses are forgotten first.
 */
public final class AuthThrottle {

    public static final int MAX_FAILURES = 10;
    public static final long WINDOW_NANOS = 60_000_000_000L;
    static final int MAX_ADDRESSES = 4096;

    private final LongSupplier clock;
    private final int maxFailures;
    private final Map<String, Window> windows = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    public AuthThrottle() {
        this(System::nanoTime, MAX_FAILURES);
    }

    /** Refuses an address after {@code maxFailures} failures within a minute (e.g. offers it was told we refuse). */
    public AuthThrottle(int maxFailures) {
        this(System::nanoTime, maxFailures);
    }

    AuthThrottle(LongSupplier clock) {
        this(clock, MAX_FAILURES);
    }

    AuthThrottle(LongSupplier clock, int maxFailures) {
        this.clock = clock;
        this.maxFailures = maxFailures;
    }

    private static final class Window {
        long start;
        int failures;
    }

    /** Seconds until {@code address} may try again, or 0 when it may try now. */
    public synchronized long blockedSeconds(String address) {
        Window w = windows.get(key(address));
        if (w == null) {
            return 0;
        }
        long age = clock.getAsLong() - w.start;
        if (age >= WINDOW_NANOS || w.failures < maxFailures) {
            return 0;
        }
        return Math.max(1, (WINDOW_NANOS - age + 999_999_999L) / 1_000_000_000L);
    }

    /** Counts a failed attempt; returns true when this failure is the one that blocks the address. */
    public synchronized boolean failure(String address) {
        long now = clock.getAsLong();
        Window w = windows.computeIfAbsent(key(address), k -> new Window());
        if (w.failures == 0 || now - w.start >= WINDOW_NANOS) {
            w.start = now;
            w.failures = 0;
        }
        w.failures++;
        return w.failures == maxFailures;
    }

    synchronized int tracked() {
        return windows.size();
    }

    /** The address as throttled: IPv4 as it is, IPv6 by its first four groups (its /64). */
    static String key(String address) {
        if (address == null) {
            return "?";
        }
        String a = address.startsWith("[") ? address.substring(1, address.indexOf(']') < 0 ? address.length() : address.indexOf(']')) : address;
        if (a.indexOf(':') < 0) {
            return a;
        }
        try {
            byte[] bytes = java.net.InetAddress.getByName(a).getAddress();
            if (bytes.length == 16) {
                StringBuilder prefix = new StringBuilder();
                for (int i = 0; i < 8; i += 2) {
                    prefix.append(String.format("%02x%02x:", bytes[i], bytes[i + 1]));
                }
                return prefix.append(":/64").toString();
            }
        } catch (java.net.UnknownHostException | SecurityException e) {
            // not a literal address: count it as given
        }
        return a;
    }
}
