package carsight.streamer.http;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * What a client controls before it is authenticated — the query string, the first message and the Origin — is
 * read without an exception whatever it holds.
 */
class SignalInputFuzzTest {

    private static final OriginPolicy ORIGINS = new OriginPolicy(java.util.List.of("https://ops.example.net"));

    @FuzzTest(maxDuration = "10s")
    void handshakeInputsNeverThrow(FuzzedDataProvider data) {
        String query = data.consumeString(200);
        String origin = data.consumeString(100);
        String host = data.consumeString(100);
        String first = data.consumeRemainingAsString();
        StreamerHttpServer.queryParameter(query, "token");
        StreamerHttpServer.firstMessageToken(first);
        ORIGINS.allows(origin, host);
        AuthThrottle.key(host);
    }
}
