package carsight.streamer.rtcp;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RtcpParserTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void genericNackExpandsItsBitmask() throws Exception {
        // V=2 FMT=1 PT=205 len=3 | sender 1 | media 2 | PID 100, BLP 0b101: 100, 101, 103
        List<RtcpPacket> p = RtcpParser.parseCompound(hex("81cd0003 00000001 00000002 0064 0005"));
        assertThat(p).containsExactly(new RtcpPacket.GenericNack(1, 2, List.of(100, 101, 103)));
    }

    @Test
    void nackWrapsAroundTheSequenceSpace() throws Exception {
        List<RtcpPacket> p = RtcpParser.parseCompound(RtcpWriter.genericNack(1, 2, 65535, 0x0001));
        assertThat(((RtcpPacket.GenericNack) p.get(0)).lostSequenceNumbers()).containsExactly(65535, 0);
    }

    @Test
    void pliAndFirAreRecognised() throws Exception {
        assertThat(RtcpParser.parseCompound(hex("81ce0002 00000001 00000002")))
                .containsExactly(new RtcpPacket.PictureLossIndication(1, 2));
        // FMT=4 PT=206 len=4 | sender | media 0 | FCI: SSRC 3, seq 9, reserved
        assertThat(RtcpParser.parseCompound(hex("84ce0004 00000001 00000000 00000003 09000000")))
                .containsExactly(new RtcpPacket.FullIntraRequest(1, 3, 9));
    }

    @Test
    void receiverReportBlocksAreRead() throws Exception {
        RtcpPacket.ReportBlock block = new RtcpPacket.ReportBlock(0xCAFE, 26, -3, 70_000, 12, 0x12345678L, 0x00010000L);
        byte[] rr = RtcpWriter.receiverReport(7, List.of(block));
        assertThat(RtcpParser.parseCompound(rr)).containsExactly(new RtcpPacket.ReceiverReport(7, List.of(block)));
        assertThat(block.lossFraction()).isCloseTo(0.1, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void compoundPacketsWithFeedbackWeDoNotUseParseWithoutError() throws Exception {
        byte[] rr = RtcpWriter.receiverReport(7, List.of());
        byte[] remb = hex("8fce0005 00000001 00000000 52454d42 01000a00 00000002");
        byte[] compound = new byte[rr.length + remb.length];
        System.arraycopy(rr, 0, compound, 0, rr.length);
        System.arraycopy(remb, 0, compound, rr.length, remb.length);
        assertThat(RtcpParser.parseCompound(compound)).containsExactly(new RtcpPacket.ReceiverReport(7, List.of()),
                new RtcpPacket.ReceiverEstimatedMaximumBitrate(1, 0x0A00L << 0, List.of(2L)));
    }

    @Test
    void rembCarriesTheReceiversEstimate() throws Exception {
        // FMT=15 PT=206 len=5 | sender 1 | media 0 | 'REMB' | 1 SSRC, exp 3, mantissa 0x1E848 (125000): 1 Mbit/s | SSRC 0xCAFE
        byte[] remb = hex("8fce0005 00000001 00000000 52454d42 010de848 0000cafe");
        assertThat(RtcpParser.parseCompound(remb))
                .containsExactly(new RtcpPacket.ReceiverEstimatedMaximumBitrate(1, 1_000_000, List.of(0xCAFEL)));
        // other application-layer feedback stays unknown
        assertThat(RtcpParser.parseCompound(hex("8fce0004 00000001 00000000 41424344 01000a00")))
                .containsExactly(new RtcpPacket.Other(206, 15));
    }

    @Test
    void senderReportWithCnameIsAValidCompoundPacket() throws Exception {
        byte[] sr = RtcpWriter.senderReportWithCname(5, 0x0102030405060708L, 90_000, 10, 1000, "carsight");
        List<RtcpPacket> p = RtcpParser.parseCompound(sr);
        assertThat(p.get(0)).isEqualTo(new RtcpPacket.SenderReport(5, 0x0102030405060708L, 90_000, 10, 1000, List.of()));
        assertThat(p.get(1)).isEqualTo(new RtcpPacket.Other(202, 1));
        assertThat(sr.length % 4).isZero();
    }

    @Test
    void malformedPacketsGetAReasonAndNothingElse() {
        assertThatThrownBy(() -> RtcpParser.parseCompound(hex("81cd00ff 00000001"))).isInstanceOf(RtcpFormatException.class)
                .hasMessageContaining("claims");
        assertThatThrownBy(() -> RtcpParser.parseCompound(hex("41cd0002 00000001 00000002"))).hasMessageContaining("version");
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[random.nextInt(64)];
            random.nextBytes(junk);
            if (junk.length > 0) {
                junk[0] = (byte) (0x80 | (junk[0] & 0x3F));
            }
            try {
                RtcpParser.parseCompound(junk);
            } catch (RtcpFormatException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }
}
