package carsight.streamer.ice;

import carsight.streamer.session.DatagramDemux;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Every datagram on the media port is classified, and STUN's cheap checks (shape, FINGERPRINT, MESSAGE-INTEGRITY)
 * answer true or false for any bytes — never throw.
 */
class StunFuzzTest {

    private static final byte[] KEY = "VOkJxbRl1RmTxUk/WvJxBt".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @FuzzTest(maxDuration = "10s")
    void datagramsAreClassifiedAndCheckedSafely(byte[] data) {
        DatagramDemux.Kind kind = DatagramDemux.classify(data, data.length);
        if (kind == null) {
            throw new AssertionError("no kind");
        }
        if (StunChecks.looksLikeStun(data, data.length)) {
            StunChecks.fingerprintValid(data, data.length);
            StunChecks.integrityValid(data, data.length, KEY);
        }
        // a shorter length than the buffer, as the receive loop passes it
        int length = data.length / 2;
        DatagramDemux.classify(data, length);
        if (StunChecks.looksLikeStun(data, length)) {
            StunChecks.fingerprintValid(data, length);
            StunChecks.integrityValid(data, length, KEY);
        }
    }
}
