package carsight.streamer.h264;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;

import java.util.ArrayList;
import java.util.List;

/**
 * Any byte stream from a camera, fed in chunks of any size, splits into NAL units and access units without an
 * exception, never invents bytes, and an SPS either parses or is refused as malformed.
 */
class AnnexBFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void anyByteStreamSplitsIntoAccessUnits(FuzzedDataProvider data) {
        AnnexBReader reader = new AnnexBReader();
        AccessUnitAssembler assembler = new AccessUnitAssembler();
        List<NalUnit> nals = new ArrayList<>();
        long fed = 0;
        while (data.remainingBytes() > 0) {
            int chunk = data.consumeInt(1, 4096);
            byte[] bytes = data.consumeBytes(chunk);
            fed += bytes.length;
            nals.addAll(reader.feed(bytes));
        }
        nals.addAll(reader.endOfFrame());
        long out = 0;
        for (NalUnit nal : nals) {
            out += nal.bytes().length;
            if (nal.type() == NalUnit.TYPE_SPS) {
                try {
                    Sps.parse(nal);
                } catch (IllegalArgumentException expected) {
                    // a broken SPS: logged and skipped by the streamer
                }
            }
        }
        if (out > fed) {
            throw new AssertionError(out + " NAL bytes out of " + fed + " fed");
        }
        assembler.addAll(nals);
        assembler.endOfFrame();
    }
}
