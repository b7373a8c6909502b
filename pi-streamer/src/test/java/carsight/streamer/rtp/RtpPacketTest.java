package carsight.streamer.rtp;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RtpPacketTest {

    @Test
    void headerIsPackedAsRfc3550Draws() {
        byte[] b = new RtpPacket(96, true, 0x1234, 0xAABBCCDDL, 0x01020304L, List.of(), new byte[]{7}).toBytes();
        assertThat(HexFormat.of().formatHex(b)).isEqualTo("80e01234aabbccdd0102030407");
    }

    @Test
    void oneByteExtensionsArePaddedTo32Bits() {
        RtpPacket p = new RtpPacket(100, false, 1, 2, 3, List.of(HeaderExtensions.playoutDelay(5, 0, 0)), new byte[]{1, 2});
        byte[] b = p.toBytes();
        // BEDE, length 1 word, id 5 len-1 = 2, three bytes of zeros
        assertThat(HexFormat.of().formatHex(b, 12, 20)).isEqualTo("bede000152000000");
        RtpPacket back = RtpPacket.parse(b, b.length);
        assertThat(back.extensions()).hasSize(1);
        assertThat(back.extensions().get(0).id()).isEqualTo(5);
        assertThat(back.payload()).containsExactly(1, 2);
    }

    @Test
    void playoutDelayEncodesTwelveBitFields() {
        RtpPacket.HeaderExtension e = HeaderExtensions.playoutDelay(3, 100, 400);
        assertThat(HexFormat.of().formatHex(e.data())).isEqualTo("00a028"); // 10 and 40 in 10 ms units
    }

    @Test
    void ntpTimeRoundTripsToTheMicrosecond() {
        long micros = 1_764_000_000_123_456L;
        assertThat(NtpTime.toEpochMicros(NtpTime.fromEpochMicros(micros))).isBetween(micros - 1, micros);
        assertThat(NtpTime.fromEpochMicros(0) >>> 32).isEqualTo(2_208_988_800L);
    }

    @Test
    void junkIsRejectedWithAReasonNeverACrash() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[random.nextInt(40)];
            random.nextBytes(junk);
            try {
                RtpPacket.parse(junk, junk.length);
            } catch (IllegalArgumentException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
        assertThatThrownBy(() -> RtpPacket.parse(new byte[5], 5)).hasMessageContaining("shorter");
    }

    @Test
    void retransmissionCacheForgetsOldAndOverwrittenPackets() {
        RetransmissionCache cache = new RetransmissionCache(4, 1000);
        for (int seq = 65533; seq <= 65537; seq++) {
            cache.put(seq & 0xFFFF, new byte[]{(byte) seq}, 0);
        }
        assertThat(cache.get(65535, 0)).containsExactly((byte) 65535);
        assertThat(cache.get(0, 0)).containsExactly((byte) 65536);
        assertThat(cache.get(65533, 0)).as("overwritten by a newer packet in its slot").isNull();
        assertThat(cache.get(1, 2_000_000_000L)).as("older than the age limit").isNull();
    }
}
