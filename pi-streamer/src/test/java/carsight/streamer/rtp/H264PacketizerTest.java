package carsight.streamer.rtp;

import carsight.streamer.h264.AccessUnit;
import carsight.streamer.h264.AccessUnitFramer;
import carsight.streamer.h264.NalUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class H264PacketizerTest {

    static final int MAX = 1000;

    static NalUnit nal(int type, int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        b[0] = (byte) (0x60 | type);
        return new NalUnit(b);
    }

    static List<NalUnit> roundTrip(List<byte[]> payloads) {
        H264Depacketizer d = new H264Depacketizer();
        List<NalUnit> out = new ArrayList<>();
        for (byte[] p : payloads) {
            assertThat(p.length).isLessThanOrEqualTo(MAX);
            out.addAll(d.depacketize(p));
        }
        return out;
    }

    @ParameterizedTest(name = "slice of {0} bytes")
    @ValueSource(ints = {1, 2, 999, 1000, 1001, 1002, 1996, 1997, 1998, 200_000})
    void slicesOfEverySizeSurviveTheRoundTrip(int size) {
        NalUnit slice = nal(5, size, size);
        List<byte[]> payloads = new H264Packetizer(MAX).packetize(new AccessUnit(List.of(slice), true));

        assertThat(roundTrip(payloads)).containsExactly(slice);
        if (size <= MAX) {
            assertThat(payloads).hasSize(1);
        } else {
            assertThat(payloads).hasSize((int) Math.ceil((size - 1) / (double) (MAX - 2)));
            assertThat(payloads.get(0)[1] & 0xC0).as("first fragment: S set, E clear").isEqualTo(0x80);
            assertThat(payloads.get(payloads.size() - 1)[1] & 0xC0).as("last fragment: E set").isEqualTo(0x40);
            assertThat(payloads.get(0)[0] & 0x1F).isEqualTo(28);
            assertThat(payloads.get(0)[0] & 0x60).as("NRI carried into the FU indicator").isEqualTo(0x60);
        }
    }

    @Test
    void parameterSetsTravelTogetherInOneStapA() {
        NalUnit sps = nal(7, 20, 1);
        NalUnit pps = nal(8, 6, 2);
        NalUnit idr = nal(5, 3000, 3);
        List<byte[]> payloads = new H264Packetizer(MAX).packetize(new AccessUnit(List.of(sps, pps, idr), true));

        assertThat(payloads.get(0)[0] & 0x1F).isEqualTo(24);
        assertThat(payloads.get(0)).hasSize(1 + 2 + 20 + 2 + 6);
        assertThat(roundTrip(payloads)).containsExactly(sps, pps, idr);
    }

    @Test
    void parameterSetsTooBigToShareGoAlone() {
        NalUnit sps = nal(7, 600, 1);
        NalUnit pps = nal(8, 600, 2);
        NalUnit idr = nal(5, 100, 3);
        List<byte[]> payloads = new H264Packetizer(MAX).packetize(new AccessUnit(List.of(sps, pps, idr), true));

        assertThat(payloads).hasSize(3);
        assertThat(roundTrip(payloads)).containsExactly(sps, pps, idr);
    }

    @Test
    void aMissingFragmentDropsTheNalUnitInsteadOfCorruptingIt() {
        NalUnit slice = nal(1, 5000, 9);
        List<byte[]> payloads = new ArrayList<>(new H264Packetizer(MAX).packetize(new AccessUnit(List.of(slice), false)));
        payloads.remove(0);
        assertThat(roundTrip(payloads)).isEmpty();
    }

    @Test
    void everyPictureOfThePiRecordingRoundTripsWithin1200BytePackets() throws Exception {
        byte[] stream = Files.readAllBytes(Path.of("src/test/resources/h264/pi-car-720p30-high.h264"));
        AccessUnitFramer framer = new AccessUnitFramer();
        List<AccessUnit> units = new ArrayList<>(framer.feed(stream));
        units.addAll(framer.finish());
        int maxPayload = RtpSizes.maxPayload(12);
        H264Packetizer packetizer = new H264Packetizer(maxPayload);
        for (AccessUnit unit : units) {
            H264Depacketizer d = new H264Depacketizer();
            List<NalUnit> back = new ArrayList<>();
            for (byte[] p : packetizer.packetize(unit)) {
                assertThat(RtpSizes.RTP_HEADER + 12 + p.length + RtpSizes.SRTP_AUTH_TAG).isLessThanOrEqualTo(1200);
                back.addAll(d.depacketize(p));
            }
            assertThat(back).isEqualTo(unit.nalUnits());
        }
    }
}
