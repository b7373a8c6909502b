package carsight.protocol.signal;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Any text on the signaling socket decodes to a message or is refused with a reason — never another exception —
 * and whatever decodes survives a round trip unchanged.
 */
class SignalCodecFuzzTest {

    private static final SignalCodec CODEC = new SignalCodec();

    @FuzzTest(maxDuration = "10s")
    void anyTextDecodesOrIsRefusedWithAReason(byte[] data) throws SignalFormatException {
        String text = new String(data, java.nio.charset.StandardCharsets.UTF_8);
        SignalMessage message;
        try {
            message = CODEC.decode(text);
        } catch (SignalFormatException expected) {
            return;
        }
        SignalMessage again = CODEC.decode(CODEC.encode(message));
        if (!again.equals(message)) {
            throw new AssertionError("round trip changed " + message + " into " + again);
        }
    }
}
