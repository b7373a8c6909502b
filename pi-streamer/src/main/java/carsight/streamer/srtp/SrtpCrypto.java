package carsight.streamer.srtp;

import java.util.List;
import java.util.function.Supplier;

/**
 * Which AES and HMAC-SHA1 this JVM's SRTP uses, chosen once per JVM and logged.
 *
 * <ul>
 * <li>{@code jdk}: a server JIT (not on 32-bit ARM) — the JDK's AES, which it compiles to the processor's AES
 * instructions, and the streamer's own HMAC-SHA1 ({@link HmacSha1}), which it compiles well.</li>
 * <li>{@code nss}: no server JIT (an interpreter such as the Zero VM, a Client VM or a server VM held to its client
 * compiler) or 32-bit ARM, with NSS installed — AES and SHA-1 from NSS ({@link Nss}).</li>
 * <li>{@code tables}: the same JVMs without NSS — the streamer's table AES and HMAC-SHA1 in Java.</li>
 * </ul>
 * {@code -Dcarsight.srtp.crypto=jdk|nss|tables} overrides the choice ({@code nss} falls back to the tables when NSS
 * cannot be used). A warning is logged when NSS was wanted and could not be used.
 */
final class SrtpCrypto {

    private static final System.Logger LOG = System.getLogger(SrtpCrypto.class.getName());

    enum Kind {
        JDK("the JDK's AES and the streamer's HMAC-SHA1"),
        NSS("AES and SHA-1 from NSS"),
        TABLES("the streamer's table AES and HMAC-SHA1");

        final String description;

        Kind(String description) {
            this.description = description;
        }
    }

    private static Kind current;

    private SrtpCrypto() {
    }

    /** The choice for this JVM, made (and logged) at the first call. */
    static synchronized Kind current() {
        if (current == null) {
            // carsight.srtp.aes: the name this setting had when it chose only the AES
            String asked = System.getProperty("carsight.srtp.crypto", System.getProperty("carsight.srtp.aes", ""));
            if (!asked.isEmpty() && !List.of("jdk", "nss", "tables").contains(asked)) {
                LOG.log(System.Logger.Level.WARNING, "SRTP: -Dcarsight.srtp.crypto={0} is none of jdk, nss, tables;"
                        + " choosing as without it", asked);
                asked = "";
            }
            boolean noServerJit = noServerJit(System.getProperty("java.vm.name", ""),
                    System.getProperty("java.vm.info", ""), System.getProperty("os.arch", ""));
            current = choose(asked, noServerJit, Nss::unavailable);
            String why = !asked.isEmpty() ? "asked for with -Dcarsight.srtp.crypto=" + asked
                    : noServerJit ? "this JVM has no server JIT or is 32-bit ARM" : "this JVM has a server JIT";
            boolean nssWanted = (asked.isEmpty() && noServerJit) || asked.equals("nss");
            if (current == Kind.NSS) {
                why += "; libsoftokn3 from " + Nss.directory();
            } else if (nssWanted) {
                why += "; NSS unavailable: " + Nss.unavailable() + " — install libnss3 for less CPU per packet";
            }
            LOG.log(nssWanted && current != Kind.NSS ? System.Logger.Level.WARNING : System.Logger.Level.INFO,
                    "SRTP: {0} ({1})", current.description, why);
        }
        return current;
    }

    /**
     * The choice for {@code asked} (empty, "jdk", "nss" or "tables"; anything else counts as empty), whether the JVM
     * has no server JIT, and why NSS cannot be used (null when it can; asked only when it matters).
     */
    static Kind choose(String asked, boolean noServerJit, Supplier<String> nssUnavailable) {
        switch (asked) {
            case "jdk":
                return Kind.JDK;
            case "tables":
                return Kind.TABLES;
            case "nss":
                return nssUnavailable.get() == null ? Kind.NSS : Kind.TABLES;
            default:
                if (!noServerJit) {
                    return Kind.JDK;
                }
                return nssUnavailable.get() == null ? Kind.NSS : Kind.TABLES;
        }
    }

    /**
     * Whether the JVM cannot use AES instructions through the JDK's AES: interpreter only ({@code -Xint}, the Zero VM),
     * a Client VM or a server VM limited to its client compiler ("emulated-client", {@code -XX:TieredStopAtLevel=1}),
     * or 32-bit ARM ({@code os.arch} "arm" for every ARMv6/v7 build). A 64-bit Pi before the 5 has no AES instructions
     * either, but a server JIT there compiles the JDK's AES well; it keeps the JDK's.
     */
    static boolean noServerJit(String vmName, String vmInfo, String arch) {
        return vmInfo.contains("interpreted mode") || vmInfo.contains("emulated-client") || vmName.contains("Zero")
                || vmName.contains("Client") || arch.startsWith("arm");
    }

    /** HMAC-SHA1 for one key, as {@link #current()} says. */
    static SrtpMac mac(byte[] key) {
        return mac(current(), key);
    }

    /** HMAC-SHA1 of this kind for one key; the streamer's own where NSS fails for this key (logged). */
    static SrtpMac mac(Kind kind, byte[] key) {
        if (kind == Kind.NSS) {
            try {
                return new NssHmacSha1(key, Nss.provider());
            } catch (java.security.GeneralSecurityException | RuntimeException e) {
                failed("HMAC-SHA1", e);
            }
        }
        return new HmacSha1(key);
    }

    /** NSS failed for one key after passing its test: that context uses the tables; logged. */
    static void failed(String what, Exception e) {
        LOG.log(System.Logger.Level.WARNING, "SRTP: NSS failed for a viewer''s {0} key ({1}); that viewer falls back"
                + " to the streamer''s own",
                what, e.toString());
    }
}
