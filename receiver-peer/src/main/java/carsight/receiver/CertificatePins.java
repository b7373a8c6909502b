package carsight.receiver;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.prefs.Preferences;

/**
 * Streamer certificates the console trusts, by SHA-256 fingerprint and {@code host:port}. A streamer's self-signed
 * certificate is pinned the first time the console connects (trust on first use, the fingerprint shown so the operator
 * can compare it with the one the streamer printed), or beforehand with {@code --fingerprint}; from then on a different
 * certificate at that address is refused. No certificate authority is consulted: the pin is the trust.
 */
public final class CertificatePins {

    public interface Store {
        String get(String address);

        void put(String address, String fingerprint);
    }

    private final Store store;

    public CertificatePins(Store store) {
        this.store = store;
    }

    /** Pins kept in the user's preferences, next to the remembered streamer address. */
    public static CertificatePins remembered() {
        Preferences node = Preferences.userNodeForPackage(CertificatePins.class).node("pins");
        return new CertificatePins(new Store() {
            @Override
            public String get(String address) {
                return node.get(address, null);
            }

            @Override
            public void put(String address, String fingerprint) {
                node.put(address, fingerprint);
                try {
                    node.flush(); // now: the console ends with Runtime.halt, which skips the preferences' own flush
                } catch (java.util.prefs.BackingStoreException e) {
                    System.getLogger(CertificatePins.class.getName()).log(System.Logger.Level.WARNING,
                            "cannot save the certificate pin for {0}: {1}", address, e.getMessage());
                }
            }
        });
    }

    /** Pins held for this run only (tests, --demo). */
    public static CertificatePins inMemory() {
        ConcurrentHashMap<String, String> map = new ConcurrentHashMap<>();
        return new CertificatePins(new Store() {
            @Override
            public String get(String address) {
                return map.get(address);
            }

            @Override
            public void put(String address, String fingerprint) {
                map.put(address, fingerprint);
            }
        });
    }

    public String pinned(String address) {
        return store.get(address);
    }

    /** Pins {@code fingerprint} for {@code address} (replacing an older pin: the operator said so). */
    public void pin(String address, String fingerprint) {
        store.put(address, normalize(fingerprint));
    }

    /**
     * A TLS context that trusts exactly the pinned certificate at {@code address}, or pins the first one it sees there.
     *
     * @param onTrusted told the fingerprint and whether it was pinned just now
     */
    public SSLContext contextFor(String address, BiConsumer<String, Boolean> onTrusted) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustManager(address, onTrusted)}, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is part of every Java runtime", e);
        }
    }

    /** The check inside {@link #contextFor}: the pinned certificate only, or the first one seen. */
    public X509TrustManager trustManager(String address, BiConsumer<String, Boolean> onTrusted) {
        return new X509TrustManager() {
            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                if (chain == null || chain.length == 0) {
                    throw new CertificateException("the streamer sent no certificate");
                }
                String seen = fingerprintOf(chain[0].getEncoded());
                String pinned = pinned(address);
                if (pinned == null) {
                    pin(address, seen);
                    onTrusted.accept(seen, true);
                } else if (pinned.equals(seen)) {
                    onTrusted.accept(seen, false);
                } else {
                    throw new CertificateException("the streamer's certificate at " + address + " changed: pinned SHA-256 "
                            + pinned + ", now " + seen + " — if it was replaced on purpose, start the console with "
                            + "--fingerprint " + seen);
                }
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("the console accepts no clients");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
    }

    public static String fingerprintOf(byte[] der) {
        return carsight.protocol.tls.CertificateFingerprint.sha256(der);
    }

    /** AB:CD:… uppercase, whatever separators or case the operator typed. */
    public static String normalize(String fingerprint) {
        String hex = fingerprint.replaceAll("(?i)^sha-?256\\s*", "").replaceAll("[^0-9A-Fa-f]", "").toUpperCase(Locale.ROOT);
        if (hex.length() != 64) {
            throw new IllegalArgumentException("a SHA-256 fingerprint has 32 bytes (64 hex digits), got " + hex.length() / 2);
        }
        return hex.replaceAll("(..)(?!$)", "$1:");
    }
}
