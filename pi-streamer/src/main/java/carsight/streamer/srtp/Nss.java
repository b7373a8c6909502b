package carsight.streamer.srtp;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Security;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * NSS's software token (libsoftokn3, from Debian's {@code libnss3}) through the JDK's own PKCS#11 provider: AES and
 * SHA-1 compiled for the processor, reached with a few calls per packet. On a JVM that cannot compile the JDK's AES to
 * the processor's instructions — an interpreter (the Zero VM), a Client VM, 32-bit ARM — every byte of SRTP otherwise
 * goes through Java code run by that JVM; NSS does the same work in C.
 *
 * <p>The token is opened once per JVM without a database ({@code nssDbMode=noDb}: keys live only in memory) and, before
 * being used for SRTP, must give the RFC 3711 AES-CM keystream and an RFC 2202 HMAC-SHA1 tag through the same classes
 * SRTP uses. Where it cannot — no {@code libnss3}, a JVM without the {@code jdk.crypto.cryptoki} module, a wrong answer
 * — {@link #provider()} returns null and {@link #unavailable()} says why.
 */
final class Nss {

    /**
     * Where Debian and Raspberry Pi OS put libsoftokn3.so: this JVM's architecture's multiarch directory first (a
     * 64-bit system may hold the 32-bit library too, which a 64-bit JVM cannot load), then the generic places.
     */
    static List<String> libraryDirectories(String arch) {
        String multiarch = switch (arch) {
            case "arm" -> "arm-linux-gnueabihf";
            case "aarch64" -> "aarch64-linux-gnu";
            case "amd64", "x86_64" -> "x86_64-linux-gnu";
            case "x86", "i386", "i686" -> "i386-linux-gnu";
            default -> null;
        };
        List<String> dirs = new ArrayList<>();
        if (multiarch != null) {
            dirs.add("/usr/lib/" + multiarch);
        }
        dirs.add("/usr/lib64");
        dirs.add("/usr/lib");
        return dirs;
    }

    /** What opening NSS gave: the provider and its folder, or why there is none. */
    private record Token(Provider provider, String directory, String unavailable) {
        static Token failed(String why) {
            return new Token(null, null, why);
        }
    }

    /** Opened at the first use, once per JVM (the holder class is initialised then). */
    private static final class Opened {
        static final Token TOKEN = open();
    }

    private Nss() {
    }

    /** The configured provider, or null when NSS cannot be used here (then {@link #unavailable()} says why). */
    static Provider provider() {
        return Opened.TOKEN.provider();
    }

    /** Why {@link #provider()} is null; null when it is not. */
    static String unavailable() {
        return Opened.TOKEN.unavailable();
    }

    /** The directory libsoftokn3 was loaded from; null when NSS is unavailable. */
    static String directory() {
        return Opened.TOKEN.directory();
    }

    private static Token open() {
        String asked = System.getProperty("carsight.srtp.nss.dir", "");
        List<String> candidates = libraryDirectories(System.getProperty("os.arch", ""));
        String dir = findLibraryDirectory(asked, candidates);
        if (dir == null) {
            return Token.failed("libsoftokn3.so and libnss3.so not found in "
                    + (asked.isEmpty() ? String.join(", ", candidates) : asked) + " (Debian package libnss3)");
        }
        // Without this, SunPKCS11 takes an idle key's value back out of the token and creates the key object again
        // for the next packet, which costs an interpreter more than the AES itself; the keys stay in memory either
        // way (noDb), and this provider is the only PKCS#11 one the streamer uses.
        if (System.getProperty("sun.security.pkcs11.disableKeyExtraction") == null) {
            System.setProperty("sun.security.pkcs11.disableKeyExtraction", "true");
        }
        Provider base = Security.getProvider("SunPKCS11");
        if (base == null) {
            return Token.failed("this JVM has no SunPKCS11 provider (module jdk.crypto.cryptoki)");
        }
        Provider configured;
        try {
            configured = base.configure("--name=carsight-nss\nnssLibraryDirectory=" + dir
                    + "\nnssDbMode=noDb\nattributes=compatibility\n");
        } catch (RuntimeException | LinkageError e) {
            return Token.failed("NSS in " + dir + " did not open: " + e);
        }
        String wrong = selfTest(configured);
        return wrong != null ? Token.failed("NSS in " + dir + " " + wrong) : new Token(configured, dir, null);
    }

    static String findLibraryDirectory(String asked, List<String> candidates) {
        for (String dir : asked.isEmpty() ? candidates : List.of(asked)) {
            if (Files.isRegularFile(Path.of(dir, "libsoftokn3.so")) && Files.isRegularFile(Path.of(dir, "libnss3.so"))) {
                return dir;
            }
        }
        return null;
    }

    /** Null when NSS gives the known answers through the classes SRTP uses, else what went wrong. */
    private static String selfTest(Provider p) {
        HexFormat hex = HexFormat.of();
        try {
            // RFC 3711 B.2: AES-CM keystream, first two blocks
            byte[] stream = new byte[32];
            new AesCounterMode.Nss(hex.parseHex("2b7e151628aed2a6abf7158809cf4f3c"), p)
                    .xor(hex.parseHex("f0f1f2f3f4f5f6f7f8f9fafbfcfd0000"), stream, 0, stream.length);
            if (!hex.formatHex(stream).equals("e03ead0935c95e80e166b16dd92b4eb4d23513162b02d0f72a43a2fe4a5f97ab")) {
                return "gave a wrong AES-CM keystream";
            }
            // RFC 2202 test case 2
            SrtpMac mac = new NssHmacSha1("Jefe".getBytes(StandardCharsets.US_ASCII), p);
            byte[] message = "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII);
            mac.update(message, 0, message.length);
            if (!hex.formatHex(mac.finish()).equals("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")) {
                return "gave a wrong HMAC-SHA1";
            }
            return null;
        } catch (GeneralSecurityException | RuntimeException e) {
            return "failed its known-answer test: " + e;
        }
    }
}
