package carsight.streamer.srtp;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

class HmacSha1Test {

    private static final HexFormat HEX = HexFormat.of();

    /** The streamer's own and NSS's (libnss3 is in the test machine's setup, so NSS must be there). */
    private static List<Function<byte[], SrtpMac>> implementations() {
        return List.of(HmacSha1::new, key -> {
            try {
                return new NssHmacSha1(key, Nss.provider());
            } catch (GeneralSecurityException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void nssIsThere() {
        assertThat(Nss.unavailable()).isNull();
        assertThat(Nss.provider()).isNotNull();
    }

    private static String hmac(Function<byte[], SrtpMac> implementation, byte[] key, byte[] data) {
        SrtpMac mac = implementation.apply(key);
        mac.update(data, 0, data.length);
        return HEX.formatHex(mac.finish());
    }

    private static byte[] repeat(int value, int count) {
        byte[] b = new byte[count];
        Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void bothMatchTheRfc2202TestCases() {
        for (Function<byte[], SrtpMac> implementation : implementations()) {
            rfc2202(implementation);
        }
    }

    private static void rfc2202(Function<byte[], SrtpMac> mac) {
        assertThat(hmac(mac, repeat(0x0b, 20), "Hi There".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("b617318655057264e28bc0b6fb378c8ef146be00");
        assertThat(hmac(mac, "Jefe".getBytes(StandardCharsets.US_ASCII),
                "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
        assertThat(hmac(mac, repeat(0xaa, 20), repeat(0xdd, 50))).isEqualTo("125d7342b9ac11cd91a39af48aa17b4f63f175d3");
        assertThat(hmac(mac, HEX.parseHex("0102030405060708090a0b0c0d0e0f10111213141516171819"), repeat(0xcd, 50)))
                .isEqualTo("4c9007f4026250c6bc8414f9bf50c86c2d7235da");
        assertThat(hmac(mac, repeat(0xaa, 80), "Test Using Larger Than Block-Size Key - Hash Key First"
                .getBytes(StandardCharsets.US_ASCII))).isEqualTo("aa4ae5e15272d00e95705637ce8a3b55ed402112");
        assertThat(hmac(mac, repeat(0xaa, 80), "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data"
                .getBytes(StandardCharsets.US_ASCII))).isEqualTo("e8e99d0f45237d786d6bbaa7965c7808bbff1a91");
    }

    @Test
    void bothAgreeWithTheJvmsMacOnEveryLengthAndSplitAndAfterReuse() throws Exception {
        for (Function<byte[], SrtpMac> implementation : implementations()) {
            agreesWithTheJvmsMac(implementation);
        }
    }

    private static void agreesWithTheJvmsMac(Function<byte[], SrtpMac> implementation) throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        for (int keyLength : new int[]{1, 20, 64, 65, 100}) {
            byte[] key = new byte[keyLength];
            random.nextBytes(key);
            SrtpMac ours = implementation.apply(key);
            Mac jvm = Mac.getInstance("HmacSHA1");
            jvm.init(new SecretKeySpec(key, "HmacSHA1"));
            for (int length = 0; length <= 300; length++) {
                byte[] data = new byte[length];
                random.nextBytes(data);
                int split = length == 0 ? 0 : random.nextInt(length + 1);
                ours.reset();
                ours.update(data, 0, split);
                ours.update(data, split, length - split);
                ours.updateInt(0x01020304 * length);
                byte[] tag = new byte[12];
                ours.finish(tag, 1, 10);

                jvm.update(data);
                int v = 0x01020304 * length;
                jvm.update(new byte[]{(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
                byte[] expected = jvm.doFinal();
                assertThat(Arrays.copyOfRange(tag, 1, 11)).as("%s: key %d bytes, message %d bytes split at %d",
                        ours.getClass().getSimpleName(), keyLength, length, split).isEqualTo(Arrays.copyOf(expected, 10));
                assertThat(tag[0]).isZero();
                assertThat(tag[11]).isZero();
            }
        }
    }
}
