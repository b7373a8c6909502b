package carsight.streamer.session;

import carsight.streamer.camera.EncodedFrame;
import carsight.streamer.h264.AccessUnit;
import carsight.streamer.h264.NalUnit;
import carsight.streamer.rtp.H264Depacketizer;
import carsight.streamer.rtp.RtpPacket;
import carsight.streamer.rtp.RtpSizes;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RtpForwarderTest {

    static NalUnit nal(int type, int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        b[0] = (byte) (0x60 | type);
        return new NalUnit(b);
    }

    @Test
    void aReceiverRebuildsEveryAccessUnitFromThePlainRtpCopy() throws Exception {
        List<AccessUnit> units = List.of(
                new AccessUnit(List.of(nal(NalUnit.TYPE_SPS, 14, 1), nal(NalUnit.TYPE_PPS, 4, 2),
                        nal(NalUnit.TYPE_IDR_SLICE, 9_000, 3)), true),
                new AccessUnit(List.of(nal(NalUnit.TYPE_NON_IDR_SLICE, 700, 4)), false),
                new AccessUnit(List.of(nal(NalUnit.TYPE_NON_IDR_SLICE, 2_500, 5)), false),
                new AccessUnit(List.of(nal(NalUnit.TYPE_SPS, 14, 1), nal(NalUnit.TYPE_PPS, 4, 2),
                        nal(NalUnit.TYPE_IDR_SLICE, 4_000, 6)), true));
        long firstCapture = 1_700_000_000_000_000L;
        FrameFanout fanout = new FrameFanout(300, 8 << 20);
        try (DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             RtpForwarder forwarder = RtpForwarder.start(fanout, micros -> micros * 9 / 100,
                     new InetSocketAddress(InetAddress.getLoopbackAddress(), receiver.getLocalPort()))) {
            receiver.setSoTimeout(5_000);
            receiver.setReceiveBufferSize(1 << 20);
            for (int i = 0; i < units.size(); i++) {
                fanout.onFrame(new EncodedFrame(units.get(i), firstCapture + i * 33_333L, i));
            }

            H264Depacketizer depacketizer = new H264Depacketizer();
            List<AccessUnit> rebuilt = new ArrayList<>();
            List<Long> timestamps = new ArrayList<>();
            List<NalUnit> current = new ArrayList<>();
            Set<Long> ssrcs = new HashSet<>();
            boolean pictureStarted = false;
            int expectedSequence = -1;
            byte[] buffer = new byte[2048];
            while (rebuilt.size() < units.size()) { // bounded by the socket timeout
                DatagramPacket datagram = new DatagramPacket(buffer, buffer.length);
                receiver.receive(datagram);
                assertThat(datagram.getLength()).isLessThanOrEqualTo(RtpSizes.MAX_PACKET);
                RtpPacket packet = RtpPacket.parse(datagram.getData(), datagram.getLength());
                assertThat(packet.payloadType()).isEqualTo(96);
                assertThat(packet.extensions()).isEmpty();
                if (expectedSequence >= 0) {
                    assertThat(packet.sequenceNumber()).as("sequence numbers without gaps").isEqualTo(expectedSequence);
                }
                expectedSequence = (packet.sequenceNumber() + 1) & 0xFFFF;
                ssrcs.add(packet.ssrc());
                if (!pictureStarted) {
                    timestamps.add(packet.timestamp());
                    pictureStarted = true;
                } else {
                    assertThat(packet.timestamp()).as("one timestamp per picture").isEqualTo(timestamps.get(timestamps.size() - 1));
                }
                current.addAll(depacketizer.depacketize(packet.payload()));
                if (packet.marker()) {
                    rebuilt.add(AccessUnit.of(current));
                    current = new ArrayList<>();
                    pictureStarted = false;
                }
            }

            assertThat(rebuilt).isEqualTo(units);
            assertThat(ssrcs).containsExactly(forwarder.ssrc());
            for (int i = 0; i < units.size(); i++) {
                assertThat(timestamps.get(i)).as("90 kHz from the capture clock")
                        .isEqualTo(((firstCapture + i * 33_333L) * 9 / 100) & 0xFFFFFFFFL);
            }
        }
    }
}
