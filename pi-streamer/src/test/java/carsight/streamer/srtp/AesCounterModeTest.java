package carsight.streamer.srtp;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AesCounterModeTest {

    private static final HexFormat HEX = HexFormat.of();

    /** RFC 3711 appendix B.2: the AES-CM keystream for a session key and counter, its first three blocks. */
    private static AesCounterMode nss(byte[] key) {
        try {
            return new AesCounterMode.Nss(key, Nss.provider());
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void allThreeGiveTheRfc3711KeystreamVector() {
        byte[] key = HEX.parseHex("2b7e151628aed2a6abf7158809cf4f3c");
        byte[] iv = HEX.parseHex("f0f1f2f3f4f5f6f7f8f9fafbfcfd0000");
        String expected = "e03ead0935c95e80e166b16dd92b4eb4" + "d23513162b02d0f72a43a2fe4a5f97ab"
                + "41e95b3bb0a2e8dd477901e4fca894c0";
        for (AesCounterMode aes : new AesCounterMode[] {new AesCounterMode.Tables(key), new AesCounterMode.Jdk(key), nss(key)}) {
            byte[] zeros = new byte[48];
            aes.xor(iv, zeros, 0, zeros.length);
            assertThat(HEX.formatHex(zeros)).as(aes.getClass().getSimpleName()).isEqualTo(expected);
        }
    }

    @Test
    void theTablesAndNssAgreeWithTheJdkOnAnyKeyCounterAndRange() {
        SplittableRandom random = new SplittableRandom(3711);
        for (int run = 0; run < 400; run++) {
            byte[] key = new byte[16];
            byte[] iv = new byte[16];
            random.nextBytes(key);
            random.nextBytes(iv);
            iv[14] = 0;
            iv[15] = 0;
            byte[] data = new byte[random.nextInt(1600)];
            random.nextBytes(data);
            int offset = data.length == 0 ? 0 : random.nextInt(Math.min(data.length, 40) + 1);
            int length = random.nextInt(data.length - offset + 1);
            byte[] viaTables = data.clone();
            byte[] viaJdk = data.clone();
            byte[] viaNss = data.clone();
            new AesCounterMode.Tables(key).xor(iv, viaTables, offset, length);
            new AesCounterMode.Jdk(key).xor(iv, viaJdk, offset, length);
            nss(key).xor(iv, viaNss, offset, length);
            assertThat(viaNss).as("NSS: key %s iv %s, %d bytes from %d", HEX.formatHex(key), HEX.formatHex(iv), length,
                    offset).isEqualTo(viaJdk);
            assertThat(viaTables).as("key %s iv %s, %d bytes from %d", HEX.formatHex(key), HEX.formatHex(iv), length,
                    offset).isEqualTo(viaJdk);
            assertThat(Arrays.copyOf(viaTables, offset)).isEqualTo(Arrays.copyOf(data, offset));
            assertThat(Arrays.copyOfRange(viaTables, offset + length, data.length))
                    .isEqualTo(Arrays.copyOfRange(data, offset + length, data.length));
        }
    }

    @Test
    void aRangeOfTheLargestLengthIsTheJdksKeystreamToItsLastByte() {
        byte[] key = new byte[16];
        byte[] iv = new byte[16];
        new SplittableRandom(17).nextBytes(key);
        iv[0] = 1;
        byte[] viaTables = new byte[AesCounterMode.MAX_LENGTH];
        byte[] viaJdk = new byte[AesCounterMode.MAX_LENGTH];
        byte[] viaNss = new byte[AesCounterMode.MAX_LENGTH];
        new AesCounterMode.Tables(key).xor(iv, viaTables, 0, viaTables.length);
        new AesCounterMode.Jdk(key).xor(iv, viaJdk, 0, viaJdk.length);
        nss(key).xor(iv, viaNss, 0, viaNss.length);
        assertThat(viaTables).isEqualTo(viaJdk);
        assertThat(viaNss).isEqualTo(viaJdk);
        assertThatThrownBy(() -> new AesCounterMode.Tables(key).xor(iv, new byte[AesCounterMode.MAX_LENGTH + 1], 0,
                AesCounterMode.MAX_LENGTH + 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCounterBlockWhoseLowBitsAreNotZeroIsRefusedByTheTables() {
        AesCounterMode aes = new AesCounterMode.Tables(new byte[16]);
        byte[] iv = new byte[16];
        iv[15] = 1;
        assertThatThrownBy(() -> aes.xor(iv, new byte[16], 0, 16)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nssOrTheTablesAreTakenWhereNoJitCanUseAesInstructions() {
        assertThat(SrtpCrypto.noServerJit("OpenJDK 64-Bit Server VM", "interpreted mode, sharing", "amd64")).isTrue();
        assertThat(SrtpCrypto.noServerJit("OpenJDK Zero VM", "interpreted mode", "arm")).isTrue();
        assertThat(SrtpCrypto.noServerJit("OpenJDK Client VM", "mixed mode, emulated-client", "arm")).isTrue();
        assertThat(SrtpCrypto.noServerJit("OpenJDK 64-Bit Server VM", "mixed mode, emulated-client, sharing", "amd64"))
                .isTrue();
        assertThat(SrtpCrypto.noServerJit("OpenJDK 64-Bit Server VM", "mixed mode, sharing", "amd64")).isFalse();
        assertThat(SrtpCrypto.noServerJit("OpenJDK 64-Bit Server VM", "mixed mode", "aarch64")).isFalse();

        Supplier<String> available = () -> null;
        Supplier<String> missing = () -> "libsoftokn3.so not found";
        Supplier<String> notAsked = () -> {
            throw new AssertionError("NSS looked for where it does not matter");
        };
        assertThat(SrtpCrypto.choose("", true, available)).isEqualTo(SrtpCrypto.Kind.NSS);
        assertThat(SrtpCrypto.choose("", true, missing)).isEqualTo(SrtpCrypto.Kind.TABLES);
        assertThat(SrtpCrypto.choose("", false, notAsked)).isEqualTo(SrtpCrypto.Kind.JDK);
        assertThat(SrtpCrypto.choose("tables", false, notAsked)).isEqualTo(SrtpCrypto.Kind.TABLES);
        assertThat(SrtpCrypto.choose("jdk", true, notAsked)).isEqualTo(SrtpCrypto.Kind.JDK);
        assertThat(SrtpCrypto.choose("nss", false, available)).isEqualTo(SrtpCrypto.Kind.NSS);
        assertThat(SrtpCrypto.choose("nss", true, missing)).isEqualTo(SrtpCrypto.Kind.TABLES);
        assertThat(SrtpCrypto.choose("fast", true, missing)).isEqualTo(SrtpCrypto.Kind.TABLES);
    }

    @Test
    void nssIsLookedForWhereDebianPutsIt() throws Exception {
        assertThat(Nss.libraryDirectories("arm")).containsExactly("/usr/lib/arm-linux-gnueabihf", "/usr/lib64", "/usr/lib");
        assertThat(Nss.libraryDirectories("aarch64").get(0)).isEqualTo("/usr/lib/aarch64-linux-gnu");
        assertThat(Nss.libraryDirectories("amd64").get(0)).isEqualTo("/usr/lib/x86_64-linux-gnu");
        assertThat(Nss.libraryDirectories("riscv64")).containsExactly("/usr/lib64", "/usr/lib");
        Path dir = Files.createTempDirectory("nss");
        try {
            assertThat(Nss.findLibraryDirectory("", List.of(dir.toString()))).isNull();
            Files.createFile(dir.resolve("libsoftokn3.so"));
            assertThat(Nss.findLibraryDirectory("", List.of("/nonexistent", dir.toString()))).isNull();
            Files.createFile(dir.resolve("libnss3.so"));
            assertThat(Nss.findLibraryDirectory("", List.of("/nonexistent", dir.toString()))).isEqualTo(dir.toString());
            assertThat(Nss.findLibraryDirectory("/nonexistent", List.of(dir.toString()))).isNull();
            assertThat(Nss.findLibraryDirectory(dir.toString(), List.of())).isEqualTo(dir.toString());
        } finally {
            Files.deleteIfExists(dir.resolve("libsoftokn3.so"));
            Files.deleteIfExists(dir.resolve("libnss3.so"));
            Files.delete(dir);
        }
    }
}
