package carsight.streamer.rtcp;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Whatever arrives as RTCP parses into packets or is refused as malformed — never another exception. */
class RtcpFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void compoundPacketsParseOrFailCleanly(byte[] data) {
        try {
            for (RtcpPacket packet : RtcpParser.parseCompound(data)) {
                if (packet == null) {
                    throw new AssertionError("a null packet");
                }
            }
        } catch (RtcpFormatException expected) {
            // malformed: dropped with a reason
        }
    }
}
