package carsight.streamer.send;

import carsight.protocol.signal.SignalMessage;
import carsight.streamer.h264.AccessUnit;
import carsight.streamer.h264.NalUnit;
import carsight.streamer.rtcp.RtcpPacket;
import carsight.streamer.rtcp.RtcpParser;
import carsight.streamer.rtcp.RtcpWriter;
import carsight.streamer.rtp.HeaderExtensions;
import carsight.streamer.rtp.NtpTime;
import carsight.streamer.rtp.RtpPacket;
import carsight.streamer.rtp.RtpSizes;
import carsight.streamer.sdp.Negotiated;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The send path's stages, each on its own, with chosen times: nothing here waits or reads a clock. */
class SendStagesTest {

    private static final long SSRC = 0x1234_5678L;
    private static final long MS = 1_000_000L;

    static Negotiated negotiated(int playoutDelayId, int absSendTimeId, int absCaptureTimeId) {
        return new Negotiated("0", 102, "42e01f", true, true, true, playoutDelayId, absSendTimeId, absCaptureTimeId,
                "ufrag", "password", "sha-256 AB", List.of());
    }

    static AccessUnit frame(int sliceBytes) {
        byte[] slice = new byte[sliceBytes];
        new Random(sliceBytes).nextBytes(slice);
        slice[0] = 0x65; // IDR slice
        return new AccessUnit(List.of(new NalUnit(new byte[]{0x67, 0x42, (byte) 0xe0, 0x1f}), new NalUnit(new byte[]{0x68, (byte) 0xce, 0x3c, (byte) 0x80}),
                new NalUnit(slice)), true);
    }

    // --- packetize, header extensions, sequence ---

    @Test
    void aFramesPacketsCountOnFromTheLastSequenceNumberAcrossTheWrapAndMarkTheLast() {
        RtpFramer framer = new RtpFramer(negotiated(3, 2, 4), SSRC, 0xFFFE, 0, 0);
        List<RtpFramer.Packet> first = framer.packets(frame(3000), 90_000, 1_000_000, 1_004_000);
        List<RtpFramer.Packet> second = framer.packets(frame(500), 93_000, 1_033_333, 1_034_000);

        List<Integer> sequences = new ArrayList<>();
        first.forEach(p -> sequences.add(p.sequenceNumber()));
        second.forEach(p -> sequences.add(p.sequenceNumber()));
        assertThat(sequences).startsWith(0xFFFE, 0xFFFF, 0, 1);
        for (int i = 1; i < sequences.size(); i++) {
            assertThat(sequences.get(i)).isEqualTo((sequences.get(i - 1) + 1) & 0xFFFF);
        }
        assertThat(framer.nextSequence()).isEqualTo((sequences.get(sequences.size() - 1) + 1) & 0xFFFF);
        for (List<RtpFramer.Packet> packets : List.of(first, second)) {
            for (int i = 0; i < packets.size(); i++) {
                RtpPacket p = RtpPacket.parse(packets.get(i).bytes(), packets.get(i).bytes().length);
                assertThat(p.sequenceNumber()).isEqualTo(packets.get(i).sequenceNumber());
                assertThat(p.marker()).as("marker on the frame's last packet only").isEqualTo(i == packets.size() - 1);
                assertThat(p.ssrc()).isEqualTo(SSRC);
                assertThat(p.payloadType()).isEqualTo(102);
                assertThat(packets.get(i).bytes().length).isLessThanOrEqualTo(RtpSizes.maxPayload(0) + 12);
            }
        }
    }

    @Test
    void everyPacketCarriesPlayoutDelayAndSendTimeAndTheFirstTheCaptureTime() {
        RtpFramer framer = new RtpFramer(negotiated(3, 2, 4), SSRC, 100, 0, 0);
        List<RtpFramer.Packet> packets = framer.packets(frame(4000), 90_000, 1_000_000, 1_004_000);
        assertThat(packets).hasSizeGreaterThan(2);
        for (int i = 0; i < packets.size(); i++) {
            RtpPacket p = RtpPacket.parse(packets.get(i).bytes(), packets.get(i).bytes().length);
            List<Integer> ids = p.extensions().stream().map(RtpPacket.HeaderExtension::id).toList();
            assertThat(ids).as("packet %d", i).contains(3, 2);
            assertThat(ids.contains(4)).as("abs-capture-time on packet %d", i).isEqualTo(i == 0);
            assertThat(p.timestamp()).isEqualTo(90_000);
            assertThat(p.extensions().stream().filter(e -> e.id() == 3).findFirst().orElseThrow().data())
                    .as("playout-delay 0,0: render at once").containsExactly(0, 0, 0);
        }
    }

    @ParameterizedTest(name = "playout-delay id {0}, abs-send-time id {1}")
    @CsvSource({"3, 2", "0, 2", "2, 3"})
    void aPacketIsStampedWithTheTimeItLeavesNotTheTimeItWasCut(int playoutDelayId, int absSendTimeId) {
        RtpFramer framer = new RtpFramer(negotiated(playoutDelayId, absSendTimeId, 4), SSRC, 100, 0, 0);
        List<RtpFramer.Packet> packets = framer.packets(frame(4000), 90_000, 1_000_000, 1_004_000);
        long left = 1_004_000 + 87_000; // held 87 ms by the pacer
        for (RtpFramer.Packet packet : packets) {
            byte[] before = packet.bytes().clone();
            packet.stampSendTime(left);
            RtpPacket p = RtpPacket.parse(packet.bytes(), packet.bytes().length);
            byte[] sendTime = p.extensions().stream().filter(e -> e.id() == absSendTimeId).findFirst().orElseThrow().data();
            assertThat(sendTime).isEqualTo(HeaderExtensions.absSendTime(absSendTimeId, left).data())
                    .isNotEqualTo(HeaderExtensions.absSendTime(absSendTimeId, 1_004_000).data());
            int differ = 0;
            for (int i = 0; i < before.length; i++) {
                differ += before[i] != packet.bytes()[i] ? 1 : 0;
            }
            assertThat(differ).as("only the send time's bytes change").isBetween(1, 3);
            assertThat(p.payload()).isEqualTo(RtpPacket.parse(before, before.length).payload());
        }
        RtpFramer.Packet none = new RtpFramer(negotiated(3, 0, 0), SSRC, 7, 0, 0).packets(frame(100), 1, 2, 3).get(0);
        byte[] before = none.bytes().clone();
        none.stampSendTime(left);
        assertThat(none.bytes()).as("no abs-send-time negotiated: nothing written").isEqualTo(before);
    }

    @Test
    void aPaddingPacketCarriesNoPayloadItsPaddingCountAndTheSequenceGoesOn() {
        RtpFramer framer = new RtpFramer(negotiated(3, 2, 4), SSRC, 500, 0, 0);
        int next = framer.packets(frame(100), 90_000, 1_000_000, 1_004_000).size() + 500;
        RtpFramer.Packet padding = framer.padding(RtpFramer.MAX_PADDING, 90_000, 1_010_000);
        byte[] b = padding.bytes();
        assertThat(padding.sequenceNumber()).isEqualTo(next);
        assertThat(b[0] & 0x20).as("padding bit").isNotZero();
        assertThat(b[1] & 0x80).as("no marker").isZero();
        assertThat(b[b.length - 1] & 0xFF).isEqualTo(RtpFramer.MAX_PADDING);
        RtpPacket p = RtpPacket.parse(stripPadding(b), b.length - RtpFramer.MAX_PADDING);
        assertThat(p.payload()).as("without its padding: headers and nothing else").isEmpty();
        assertThat(p.timestamp()).isEqualTo(90_000);
        assertThat(p.extensions().stream().map(RtpPacket.HeaderExtension::id).toList()).contains(2).doesNotContain(4);
        padding.stampSendTime(1_020_000);
        assertThat(RtpPacket.parse(stripPadding(b), b.length - RtpFramer.MAX_PADDING).extensions().stream()
                .filter(e -> e.id() == 2).findFirst().orElseThrow().data())
                .isEqualTo(HeaderExtensions.absSendTime(2, 1_020_000).data());
        assertThat(framer.nextSequence()).isEqualTo(next + 1);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> framer.padding(256, 0, 0)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static byte[] stripPadding(byte[] b) {
        byte[] out = java.util.Arrays.copyOf(b, b.length - (b[b.length - 1] & 0xFF));
        out[0] &= ~0x20;
        return out;
    }

    @Test
    void withoutNegotiatedExtensionsThePacketsCarryNone() {
        List<RtpFramer.Packet> packets = new RtpFramer(negotiated(0, 0, 0), SSRC, 7, 0, 0)
                .packets(frame(100), 1, 2, 3);
        assertThat(RtpPacket.parse(packets.get(0).bytes(), packets.get(0).bytes().length).extensions()).isEmpty();
    }

    // --- the retransmission cache and the NACK responder ---

    @ParameterizedTest(name = "NACK for {0} at {1} ms: answered {2}")
    @CsvSource({
            "10, 0, true",       // just sent
            "10, 999, true",     // within the second it is held
            "10, 1001, false",   // too old to help
            "99, 0, false",      // never sent
            "2, 0, false",       // overwritten: 2048 packets later it is gone (ring of 2048)
    })
    void aNackIsAnsweredWithTheSameBytesWhileThePacketIsHeld(int asked, long afterMillis, boolean answered) {
        NackResponder nacks = new NackResponder(2048, 1000);
        for (int seq = 0; seq < 20; seq++) {
            nacks.sent(seq, new byte[]{(byte) seq, 1, 2}, 0);
        }
        nacks.sent(2 + 2048, new byte[]{42}, 0); // the same slot, a later lap
        List<byte[]> again = nacks.answer(List.of(asked), afterMillis * MS);
        if (answered) {
            assertThat(again).singleElement().satisfies(b -> assertThat(b).containsExactly((byte) asked, 1, 2));
            assertThat(nacks.retransmissions()).isEqualTo(1);
        } else {
            assertThat(again).isEmpty();
            assertThat(nacks.retransmissions()).isZero();
        }
    }

    @Test
    void aNackForSeveralPacketsIsAnsweredInTheOrderAskedSkippingTheGoneOnes() {
        NackResponder nacks = new NackResponder(16, 1000);
        nacks.sent(65535, new byte[]{1}, 0);
        nacks.sent(0, new byte[]{2}, 0);
        nacks.sent(1, new byte[]{3}, 0);
        assertThat(nacks.answer(List.of(1, 65535, 5, 0), 10 * MS)).containsExactly(new byte[]{3}, new byte[]{1}, new byte[]{2});
    }

    // --- sender reports ---

    /**
     * An SR written at a known instant: its NTP time is that instant, and its RTP timestamp is the one a frame captured
     * at that instant carries — so a receiver maps our RTP timestamps onto our wall clock.
     */
    @ParameterizedTest(name = "at {0} µs")
    @CsvSource({"1764590400000000", "1764590400033333", "1764590999999999"})
    void aSenderReportPairsNtpAndRtpTimeOfTheSameInstant(long nowMicros) throws Exception {
        SignalMessage.StreamInfo stream = new SignalMessage.StreamInfo("H264", 640, 480, 30, "42e01f", 90_000,
                4_000_000_000L, 1_764_590_000_000_000L, "test");
        SenderReports reports = new SenderReports(SSRC, "carsight-test", stream::rtpTimestampAt);
        List<RtcpPacket> parsed = RtcpParser.parseCompound(reports.report(nowMicros, 1200, 1_000_000));
        RtcpPacket.SenderReport sr = (RtcpPacket.SenderReport) parsed.get(0);
        assertThat(sr.ssrc()).isEqualTo(SSRC);
        assertThat(sr.ntpTime()).isEqualTo(NtpTime.fromEpochMicros(nowMicros));
        assertThat(Math.abs(NtpTime.toEpochMicros(sr.ntpTime()) - nowMicros)).isLessThanOrEqualTo(1);
        assertThat(sr.rtpTimestamp()).isEqualTo(stream.rtpTimestampAt(nowMicros));
        assertThat(stream.captureTimeOf(sr.rtpTimestamp(), nowMicros)).isBetween(nowMicros - 12, nowMicros);
        assertThat(sr.packetCount()).isEqualTo(1200);
        assertThat(sr.octetCount()).isEqualTo(1_000_000);
    }

    // --- receiver reports ---

    @ParameterizedTest(name = "LSR sent {0} ms before, held {1} ms: RTT {2} ms")
    @CsvSource({
            "50, 10, 40",
            "300, 0, 300",
            "10, 10, 0",
            "20000, 0, -1",   // over 10 s: not believed
    })
    void theRoundTripComesFromTheLastSenderReportAndHowLongItWasHeld(long sentBeforeMillis, long heldMillis, double rtt) {
        long now = 1_764_590_400_000_000L;
        long lsr = NtpTime.middle32(NtpTime.fromEpochMicros(now - sentBeforeMillis * 1000));
        long dlsr = heldMillis * 65536 / 1000;
        ReceiverReports reports = new ReceiverReports(SSRC);
        reports.onReport(new RtcpPacket.ReceiverReport(1, List.of(
                new RtcpPacket.ReportBlock(SSRC, 64, 3, 1000, 5, lsr, dlsr))), now);
        if (rtt < 0) {
            assertThat(reports.rttMillis()).isEqualTo(-1);
        } else {
            assertThat(reports.rttMillis()).isCloseTo(rtt, org.assertj.core.data.Offset.offset(0.1));
        }
        assertThat(reports.lossFraction()).isEqualTo(0.25);
    }

    @Test
    void aReportAboutAnotherStreamIsNotOurs() {
        ReceiverReports reports = new ReceiverReports(SSRC);
        reports.onReport(new RtcpPacket.ReceiverReport(1, List.of(new RtcpPacket.ReportBlock(SSRC + 1, 128, 3, 1000, 5,
                1, 1))), 1_764_590_400_000_000L);
        assertThat(reports.rttMillis()).isEqualTo(-1);
        assertThat(reports.lossFraction()).isZero();
    }

    // --- routing a receiver's RTCP ---

    @Test
    void aCompoundPacketFromTheReceiverReachesEachPartOnce() throws Exception {
        byte[] rr = RtcpWriter.receiverReport(1, List.of(new RtcpPacket.ReportBlock(SSRC, 0, 0, 10, 0, 0, 0)));
        byte[] nack = RtcpWriter.genericNack(1, SSRC, 100, 0b101);
        byte[] pli = RtcpWriter.pictureLossIndication(1, SSRC);
        byte[] remb = HexFormat.of().parseHex("8fce000500000001000000005245" + "4d42010de848" + "12345678");
        List<String> calls = new ArrayList<>();
        RtcpFeedback.route(RtcpParser.parseCompound(concat(rr, nack, pli, remb)), new RtcpFeedback.Handler() {
            @Override
            public void nack(List<Integer> lost) {
                calls.add("nack " + lost);
            }

            @Override
            public void keyframe(String why) {
                calls.add("keyframe " + why);
            }

            @Override
            public void receiverReport(RtcpPacket.ReceiverReport report) {
                calls.add("rr " + report.reports().size());
            }

            @Override
            public void estimate(long bitrateBps) {
                calls.add("estimate " + bitrateBps);
            }
        });
        assertThat(calls).containsExactly("rr 1", "nack [100, 101, 103]", "keyframe PLI", "estimate 1000000");
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
