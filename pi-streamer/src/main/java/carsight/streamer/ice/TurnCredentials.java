package carsight.streamer.ice;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * Short-lived TURN credentials for a TURN server that shares a secret with the streamer (coturn's
 * {@code use-auth-secret} / {@code static-auth-secret}, the "TURN REST API" scheme): the username is
 * {@code <expiry in Unix seconds>:<name>} and the password is base64(HMAC-SHA1(secret, username)). The TURN server
 * recomputes the password and refuses it after the expiry, so a credential handed to a viewer stops working on its
 * own and the secret never leaves the streamer.
 */
public final class TurnCredentials {

    private TurnCredentials() {
    }

    public static String username(long expiresAtSeconds, String name) {
        return expiresAtSeconds + ":" + name;
    }

    public static String password(String secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every Java runtime", e);
        }
    }

    /** A copy of {@code turn} with credentials valid until {@code expiresAtSeconds}. */
    public static IceServer issue(IceServer turn, String secret, String name, long expiresAtSeconds) {
        String username = username(expiresAtSeconds, name);
        return new IceServer(turn.url(), username, password(secret, username), expiresAtSeconds);
    }
}
