package carsight.streamer.ice;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The test vectors of RFC 5769, checked byte for byte. */
class StunChecksTest {

    static final byte[] PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt".getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest(name = "RFC 5769 {0}")
    @CsvSource({
            // 2.1 sample request: SOFTWARE, PRIORITY, ICE-CONTROLLED, USERNAME evtj:h6vY, MESSAGE-INTEGRITY, FINGERPRINT
            "2.1 request, 000100582112a442b7e7a701bc34d686fa87dfae802200105354554e207465737420636c69656e74"
                    + "002400046e0001ff80290008932ff9b151263b36000600096576746a3a68367659202020"
                    + "000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a280280004e57a3bcf",
            // 2.2 sample IPv4 response: SOFTWARE, XOR-MAPPED-ADDRESS 192.0.2.1:32853, MESSAGE-INTEGRITY, FINGERPRINT
            "2.2 IPv4 response, 0101003c2112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f7220"
                    + "002000080001a147e112a643000800142b91f599fd9e90c38c7489f92af9ba53f06be7d780280004c07d4c96",
    })
    void integrityAndFingerprintOfTheRfcVectorsCheckOut(String name, String hex) {
        byte[] message = HexFormat.of().parseHex(hex);

        assertThat(StunChecks.looksLikeStun(message, message.length)).isTrue();
        assertThat(StunChecks.fingerprintValid(message, message.length)).isTrue();
        assertThat(StunChecks.integrityValid(message, message.length, PASSWORD)).isTrue();
        assertThat(StunChecks.integrityValid(message, message.length, "wrong".getBytes())).isFalse();

        for (int i = 0; i < message.length; i += 7) {
            byte[] flipped = message.clone();
            flipped[i] ^= 0x01;
            boolean fingerprint = StunChecks.fingerprintValid(flipped, flipped.length);
            boolean integrity = StunChecks.integrityValid(flipped, flipped.length, PASSWORD);
            assertThat(fingerprint && integrity).as("byte %d flipped in %s", i, name).isFalse();
        }
    }

    @Test
    void truncatedAndRandomInputIsRejectedQuietly() {
        byte[] request = HexFormat.of().parseHex("000100582112a442b7e7a701bc34d686fa87dfae802200105354554e20746573742063");
        assertThat(StunChecks.looksLikeStun(request, request.length)).isFalse();
        Random random = new Random(5769);
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[random.nextInt(100)];
            random.nextBytes(junk);
            StunChecks.looksLikeStun(junk, junk.length);
            StunChecks.fingerprintValid(junk, junk.length);
            StunChecks.integrityValid(junk, junk.length, PASSWORD);
        }
        assertThat(StunChecks.fingerprintValid(new byte[3], 3)).isFalse();
    }
}
