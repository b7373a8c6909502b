package carsight.streamer.srtp;

import carsight.streamer.rtp.RtpPacket;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SrtpContextTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void aesCounterModeKeystreamMatchesRfc3711AppendixB2() {
        byte[] sessionKey = HEX.parseHex("2b7e151628aed2a6abf7158809cf4f3c");
        byte[] iv = HEX.parseHex("f0f1f2f3f4f5f6f7f8f9fafbfcfd0000"); // salt·2^16, SSRC 0, index 0
        byte[] keystream = SessionKeys.keystream(sessionKey, iv, 48);
        assertThat(HEX.formatHex(keystream)).isEqualTo(
                "e03ead0935c95e80e166b16dd92b4eb4" + "d23513162b02d0f72a43a2fe4a5f97ab" + "41e95b3bb0a2e8dd477901e4fca894c0");
    }

    @Test
    void keyDerivationMatchesRfc3711AppendixB3() {
        byte[] masterKey = HEX.parseHex("e1f97a0d3e018be0d64fa32c06de4139");
        byte[] masterSalt = HEX.parseHex("0ec675ad498afeebb6960b3aabe6");
        assertThat(HEX.formatHex(SessionKeys.derive(masterKey, masterSalt, 0, 16)))
                .isEqualTo("c61e7a93744f39ee10734afe3ff7a087");
        assertThat(HEX.formatHex(SessionKeys.derive(masterKey, masterSalt, 2, 14)))
                .isEqualTo("30cbbc08863d8c85d49db34a9ae1");
        assertThat(HEX.formatHex(SessionKeys.derive(masterKey, masterSalt, 1, 20)))
                .isEqualTo("cebe321f6ff7716b6fd4ab49af256a156d38baa4");
    }

    private static SrtpKeys[] pair() {
        byte[] material = new byte[60];
        for (int i = 0; i < material.length; i++) {
            material[i] = (byte) (i * 7 + 3);
        }
        return new SrtpKeys[]{SrtpKeys.forServer(material), SrtpKeys.forClient(material)};
    }

    private static byte[] rtp(int seq) {
        return new RtpPacket(96, true, seq, 1234, 0xCAFEL, List.of(new RtpPacket.HeaderExtension(5, new byte[]{0, 0, 0})),
                new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9}).toBytes();
    }

    @Test
    void rtpRoundTripsAcrossTheSequenceWrap() throws Exception {
        SrtpKeys[] keys = pair();
        for (int i = 0; i < 10; i++) {
            int seq = (65530 + i) & 0xFFFF;
            byte[] plain = rtp(seq);
            byte[] protectedPacket = keys[0].outbound().protectRtp(plain);
            assertThat(protectedPacket).hasSize(plain.length + 10);
            assertThat(java.util.Arrays.copyOfRange(protectedPacket, 20, plain.length))
                    .isNotEqualTo(java.util.Arrays.copyOfRange(plain, 20, plain.length));
            assertThat(keys[1].inbound().unprotectRtp(protectedPacket)).isEqualTo(plain);
        }
    }

    @Test
    void tamperedRtpFailsAuthentication() {
        SrtpKeys[] keys = pair();
        byte[] p = keys[0].outbound().protectRtp(rtp(1));
        p[p.length - 12] ^= 1;
        assertThatThrownBy(() -> keys[1].inbound().unprotectRtp(p)).isInstanceOf(SrtpException.class)
                .hasMessageContaining("authentication");
    }

    @Test
    void rtcpRoundTripsAndReplaysAreRejected() throws Exception {
        SrtpKeys[] keys = pair();
        byte[] rtcp = carsight.streamer.rtcp.RtcpWriter.pictureLossIndication(0x1111, 0x2222);
        byte[] p = keys[1].outbound().protectRtcp(rtcp);
        assertThat(keys[0].inbound().unprotectRtcp(p)).isEqualTo(rtcp);
        assertThatThrownBy(() -> keys[0].inbound().unprotectRtcp(p)).hasMessageContaining("replayed");
        byte[] next = keys[1].outbound().protectRtcp(rtcp);
        next[9] ^= 1;
        assertThatThrownBy(() -> keys[0].inbound().unprotectRtcp(next)).hasMessageContaining("authentication");
    }

    @Test
    void shortPacketsAreRefusedNotCrashedOn() {
        SrtpKeys[] keys = pair();
        assertThatThrownBy(() -> keys[0].inbound().unprotectRtcp(new byte[5])).isInstanceOf(SrtpException.class);
        assertThatThrownBy(() -> keys[0].inbound().unprotectRtp(new byte[15])).isInstanceOf(SrtpException.class);
    }

    /** The three kinds of AES and HMAC give the same packets, byte for byte, and open each other's. */
    @Test
    void jdkNssAndTablesProtectAlikeAndOpenEachOthersPackets() throws Exception {
        byte[] masterKey = HEX.parseHex("e1f97a0d3e018be0d64fa32c06de4139");
        byte[] masterSalt = HEX.parseHex("0ec675ad498afeebb6960b3aabe6");
        // NSS is in the test machine's setup: no quiet fall-back to the streamer's own here
        assertThat(AesCounterMode.of(SrtpCrypto.Kind.NSS, masterKey)).isInstanceOf(AesCounterMode.Nss.class);
        assertThat(SrtpCrypto.mac(SrtpCrypto.Kind.NSS, masterKey)).isInstanceOf(NssHmacSha1.class);
        assertThat(AesCounterMode.of(SrtpCrypto.Kind.TABLES, masterKey)).isInstanceOf(AesCounterMode.Tables.class);
        assertThat(AesCounterMode.of(SrtpCrypto.Kind.JDK, masterKey)).isInstanceOf(AesCounterMode.Jdk.class);
        SrtpCrypto.Kind[] kinds = SrtpCrypto.Kind.values();
        SrtpContext[] senders = new SrtpContext[kinds.length];
        SrtpContext[] receivers = new SrtpContext[kinds.length];
        for (int k = 0; k < kinds.length; k++) {
            senders[k] = new SrtpContext(masterKey, masterSalt, kinds[k]);
            receivers[k] = new SrtpContext(masterKey, masterSalt, kinds[k]);
        }
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        for (int i = 0; i < 40; i++) {
            byte[] payload = new byte[random.nextInt(1, 1300)];
            random.nextBytes(payload);
            byte[] plain = new RtpPacket(96, i % 3 == 0, (65520 + i) & 0xFFFF, 90 * i, 0xCAFEL, List.of(),
                    payload).toBytes();
            byte[] rtcp = carsight.streamer.rtcp.RtcpWriter.pictureLossIndication(0x1111, 0x2222);
            byte[] expected = senders[0].protectRtp(plain);
            byte[] expectedRtcp = senders[0].protectRtcp(rtcp);
            for (int k = 1; k < kinds.length; k++) {
                assertThat(senders[k].protectRtp(plain)).as("%s, packet %d", kinds[k], i).isEqualTo(expected);
                assertThat(senders[k].protectRtcp(rtcp)).as("%s, RTCP %d", kinds[k], i).isEqualTo(expectedRtcp);
            }
            for (int k = 0; k < kinds.length; k++) {
                assertThat(receivers[k].unprotectRtp(expected)).as("%s opens it", kinds[k]).isEqualTo(plain);
                assertThat(receivers[k].unprotectRtcp(expectedRtcp)).as("%s opens RTCP", kinds[k]).isEqualTo(rtcp);
            }
        }
    }
}
