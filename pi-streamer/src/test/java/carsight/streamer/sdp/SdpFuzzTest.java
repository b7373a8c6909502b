package carsight.streamer.sdp;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Any text a viewer posts as an offer either gets an answer or one of the two documented refusals — never another
 * exception. Seeds: real Chromium and webrtc-java offers. Fuzz with scripts/fuzz.sh.
 */
class SdpFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void offersNeverBreakTheAnswerBuilder(byte[] data) {
        String sdp = new String(data, java.nio.charset.StandardCharsets.UTF_8);
        try {
            Answer answer = AnswerBuilder.answer(sdp, AnswerBuilderTest.local("42e01f"));
            if (answer.sdp().isEmpty()) {
                throw new AssertionError("an empty answer");
            }
        } catch (SdpFormatException | OfferRefusedException expected) {
            // refused with a reason: fine
        }
    }
}
