package carsight.streamer.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The access token check. Compared in constant time so response timing says nothing about how much of a guess was
 * right. The token itself never appears in logs or {@link #toString()}.
 */
public final class TokenCheck {

    private final byte[] expected;

    private TokenCheck(String token) {
        this.expected = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    public static TokenCheck requiring(String token) {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("an empty token would let anyone in; use --no-auth to mean that");
        }
        return new TokenCheck(token);
    }

    /** Every request is accepted (--no-auth). */
    public static TokenCheck disabled() {
        return new TokenCheck(null);
    }

    public boolean enabled() {
        return expected != null;
    }

    public boolean accepts(String presented) {
        if (expected == null) {
            return true;
        }
        if (presented == null) {
            return false;
        }
        return MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8));
    }

    /** Accepts {@code Authorization: Bearer <token>}. */
    public boolean acceptsAuthorization(String header) {
        if (expected == null) {
            return true;
        }
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return accepts(header.substring(7).trim());
    }

    @Override
    public String toString() {
        return expected == null ? "TokenCheck[disabled]" : "TokenCheck[***]";
    }
}
