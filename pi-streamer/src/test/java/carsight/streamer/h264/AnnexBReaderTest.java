package carsight.streamer.h264;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class AnnexBReaderTest {

    static final Path PI_FIXTURE = Path.of("src/test/resources/h264/pi-car-720p30-high.h264");

    static List<AccessUnit> split(byte[] stream, Random chunking) {
        AccessUnitFramer framer = new AccessUnitFramer();
        List<AccessUnit> units = new ArrayList<>();
        int offset = 0;
        while (offset < stream.length) {
            int n = chunking == null ? stream.length : Math.min(stream.length - offset, 1 + chunking.nextInt(5000));
            units.addAll(framer.feed(stream, offset, n));
            offset += n;
        }
        units.addAll(framer.finish());
        return units;
    }

    @Test
    void splitsThePiFixtureInto111PicturesWithTwoIdrs() throws IOException {
        List<AccessUnit> units = split(Files.readAllBytes(PI_FIXTURE), null);

        assertThat(units).hasSize(111);
        assertThat(units).filteredOn(AccessUnit::keyframe).hasSize(2);
        for (AccessUnit unit : units) {
            if (unit.keyframe()) {
                assertThat(unit.nalUnits().get(0).type()).isEqualTo(NalUnit.TYPE_SPS);
                assertThat(unit.nalUnits().get(1).type()).isEqualTo(NalUnit.TYPE_PPS);
            }
            assertThat(unit.nalUnits()).anyMatch(NalUnit::isSlice);
        }
    }

    @Test
    void chunkBoundariesDoNotChangeTheResult() throws IOException {
        byte[] stream = Files.readAllBytes(PI_FIXTURE);
        List<AccessUnit> whole = split(stream, null);
        for (long seed = 1; seed <= 5; seed++) {
            assertThat(split(stream, new Random(seed))).isEqualTo(whole);
        }
    }

    @Test
    void handlesThreeAndFourByteStartCodesAndTrailingZeros() {
        byte[] stream = {0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3, 0, 0, 0, 0, 0, 1, 0x65, 0, 0, 3, 1, 9, 0, 0};
        AnnexBReader reader = new AnnexBReader();
        List<NalUnit> nals = new ArrayList<>(reader.feed(stream));
        nals.addAll(reader.endOfFrame());

        assertThat(nals).containsExactly(
                new NalUnit(new byte[]{0x67, 1, 2}),
                new NalUnit(new byte[]{0x68, 3}),
                new NalUnit(new byte[]{0x65, 0, 0, 3, 1, 9}));
    }

    @Test
    void bytesBeforeTheFirstStartCodeAreIgnored() {
        AnnexBReader reader = new AnnexBReader();
        List<NalUnit> nals = new ArrayList<>(reader.feed(new byte[]{7, 7, 0, 0, 1, 0x09, (byte) 0xF0}));
        nals.addAll(reader.endOfFrame());
        assertThat(nals).containsExactly(new NalUnit(new byte[]{0x09, (byte) 0xF0}));
    }
}
