package carsight.protocol.signal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SignalCodecTest {

    final SignalCodec codec = new SignalCodec();

    static List<SignalMessage> everyType() {
        return List.of(
                SignalMessage.Hello.viewer("t0ken-123", "console"),
                new SignalMessage.Offer("v=0\r\n"),
                new SignalMessage.Answer("v=0\r\n"),
                new SignalMessage.Candidate("candidate:1 1 udp 1 198.51.100.2 5000 typ host", "0", 0),
                new SignalMessage.Candidate("", null, null),
                new SignalMessage.Bye("done"),
                new SignalMessage.ErrorMessage("bad-message", "field 'sdp' is required"),
                new SignalMessage.Ping(7, 1_764_000_000_000_000L),
                new SignalMessage.Pong(7, 1, 2, 3),
                new SignalMessage.StreamInfo("H264", 1280, 720, 30, "42e01f", 90_000, 4_000_000_000L, 1_764_000_000_000_000L, "test pattern"),
                new SignalMessage.FrameInfo(4_294_967_295L, 1, 2, 5000, true),
                new SignalMessage.PathInfo(655_000L, 780, true, 42, 520_000, 150),
                new SignalMessage.PathInfo(null, 0, false, 0, 1_500_000, 150),
                new SignalMessage.Telemetry(112.5, 13.9, 1000L),
                new SignalMessage.Telemetry(null, null, null));
    }

    @ParameterizedTest
    @MethodSource("everyType")
    void everyMessageRoundTrips(SignalMessage message) throws Exception {
        String json = codec.encode(message);
        assertThat(json).startsWith("{\"type\":\"" + message.type() + "\"");
        assertThat(codec.decode(json)).isEqualTo(message);
    }

    @Test
    void wireNamesAreTheContract() {
        assertThat(codec.encode(new SignalMessage.FrameInfo(1, 2, 3, 4, false)))
                .isEqualTo("{\"type\":\"frame\",\"rtpTimestamp\":1,\"captureTimeMicros\":2,\"sendTimeMicros\":3,\"size\":4,\"keyframe\":false}");
    }

    @Test
    void theFrameMessageWrittenDirectlyIsWhatTheGeneralPathWrites() {
        for (SignalMessage.FrameInfo frame : List.of(new SignalMessage.FrameInfo(0, 0, 0, 0, false),
                new SignalMessage.FrameInfo(4_294_967_295L, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE, true),
                new SignalMessage.FrameInfo(90_000, 1_764_633_600_123_456L, 1_764_633_600_125_001L, 48_213, true))) {
            assertThat(codec.encode(frame)).isEqualTo(codec.encodeTree(frame));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"type\":\"offer\"}|bad-message|'sdp' is required",
            "{\"type\":\"offer\",\"sdp\":5}|bad-message|'sdp' must be a string",
            "{\"type\":\"ping\",\"id\":\"12\",\"clientTimeMicros\":1}|bad-message|'id' must be a whole number",
            "{\"type\":\"ping\",\"id\":1.5,\"clientTimeMicros\":1}|bad-message|'id' must be a whole number",
            "{\"type\":\"ping\",\"id\":null,\"clientTimeMicros\":1}|bad-message|'id' is required",
            "{\"type\":\"frame\",\"rtpTimestamp\":-1,\"captureTimeMicros\":1,\"sendTimeMicros\":1,\"size\":1,\"keyframe\":true}|bad-message|'rtpTimestamp'",
            "{\"type\":\"frame\",\"rtpTimestamp\":1,\"captureTimeMicros\":1,\"sendTimeMicros\":1,\"size\":1,\"keyframe\":\"yes\"}|bad-message|'keyframe' must be true or false",
            "{\"type\":\"offer\",\"sdp\":\"v=0\",\"extra\":1}|bad-message|unknown field 'extra'",
            "{\"type\":\"launch\"}|unknown-type|unknown message type 'launch'",
            "{\"sdp\":\"v=0\"}|unknown-type|'type' is required",
            "[1,2]|bad-message|JSON object",
            "{not json|bad-message|not valid JSON",
            "{\"type\":\"hello\",\"version\":1,\"role\":\"admin\"}|bad-message|'role'",
            "{\"type\":\"stream\",\"codec\":\"VP8\",\"width\":1,\"height\":1,\"fps\":1,\"profileLevelId\":\"42e01f\",\"clockRate\":90000,\"rtpTimestampBase\":0,\"captureTimeBaseMicros\":0}|bad-message|'codec'",
    })
    void badMessagesAreRefusedNamingTheField(String json, String code, String message) {
        assertThatThrownBy(() -> codec.decode(json)).isInstanceOfSatisfying(SignalFormatException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.getMessage()).contains(message);
        });
    }

    @Test
    void oversizeMessagesAreRefusedBeforeParsing() {
        String big = "{\"type\":\"offer\",\"sdp\":\"" + "a".repeat(SignalCodec.MAX_BYTES) + "\"}";
        assertThatThrownBy(() -> codec.decode(big)).isInstanceOfSatisfying(SignalFormatException.class,
                e -> assertThat(e.code()).isEqualTo("too-large"));
    }

    @Test
    void theTokenNeverShowsInToString() {
        assertThat(SignalMessage.Hello.viewer("secret-token", null).toString()).doesNotContain("secret-token");
    }

    @Test
    void streamInfoMapsCaptureTimesToRtpTimestampsAndBack() {
        SignalMessage.StreamInfo s = new SignalMessage.StreamInfo("H264", 640, 480, 30, "42e01f", 90_000,
                4_294_960_000L, 1_000_000L, "x");
        long capture = 1_000_000L + 1_000_000L; // one second later: 90000 ticks, wrapping past 2^32
        long rtp = s.rtpTimestampAt(capture);
        assertThat(rtp).isEqualTo((4_294_960_000L + 90_000) & 0xFFFFFFFFL);
        assertThat(s.captureTimeOf(rtp, capture + 20_000)).isEqualTo(capture);
    }
}
