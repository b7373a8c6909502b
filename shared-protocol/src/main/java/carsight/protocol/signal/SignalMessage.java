package carsight.protocol.signal;

/**
 * Every message that travels on {@code /signal}, as JSON objects with a {@code type} field. The field names are a
 * contract shared with the browser page and other tools: see the README's signaling table.
 * Records validate in their constructors, so a decoded message is always well-formed.
 */
public sealed interface SignalMessage {

    /** The value of the JSON {@code type} field. */
    String type();

    record Hello(int version, String role, String token, String name) implements SignalMessage {
        public Hello {
            Fields.require(version >= 1, "version", "must be 1 or more");
            Fields.require(role != null && (role.equals("viewer") || role.equals("streamer")), "role",
                    "must be \"viewer\" or \"streamer\"");
            Fields.maxLength(token, 256, "token");
            Fields.maxLength(name, 256, "name");
        }

        public static Hello viewer(String token, String name) {
            return new Hello(1, "viewer", token, name);
        }

        @Override
        public String type() {
            return "hello";
        }

        @Override
        public String toString() {
            return "Hello[version=" + version + ", role=" + role + ", token=" + (token == null ? "none" : "***")
                    + ", name=" + name + "]";
        }
    }

    record Offer(String sdp) implements SignalMessage {
        public Offer {
            Fields.sdp(sdp);
        }

        @Override
        public String type() {
            return "offer";
        }
    }

    record Answer(String sdp) implements SignalMessage {
        public Answer {
            Fields.sdp(sdp);
        }

        @Override
        public String type() {
            return "answer";
        }
    }

    /** A trickled ICE candidate; an empty {@code candidate} means the sender has no more. */
    record Candidate(String candidate, String sdpMid, Integer sdpMLineIndex) implements SignalMessage {
        public Candidate {
            Fields.require(candidate != null, "candidate", "is required (empty string for end of candidates)");
            Fields.maxLength(candidate, 1024, "candidate");
            Fields.maxLength(sdpMid, 64, "sdpMid");
            Fields.require(sdpMLineIndex == null || (sdpMLineIndex >= 0 && sdpMLineIndex < 64), "sdpMLineIndex",
                    "must be 0..63");
        }

        @Override
        public String type() {
            return "candidate";
        }
    }

    /**
     * A STUN or TURN server for the viewer's ICE agent, sent by the streamer before its {@code hello} (one message per
     * server). TURN credentials may be short-lived: {@code expiresAt} (Unix seconds) says until when.
     */
    record IceServerInfo(String urls, String username, String credential, Long expiresAt) implements SignalMessage {
        public IceServerInfo {
            Fields.require(urls != null && (urls.startsWith("stun:") || urls.startsWith("turn:") || urls.startsWith("turns:")),
                    "urls", "must be a stun:, turn: or turns: URL");
            Fields.maxLength(urls, 512, "urls");
            Fields.maxLength(username, 256, "username");
            Fields.maxLength(credential, 256, "credential");
            Fields.require(expiresAt == null || expiresAt > 0, "expiresAt", "must be Unix seconds");
        }

        @Override
        public String type() {
            return "ice-server";
        }

        @Override
        public String toString() {
            return "IceServerInfo[urls=" + urls + ", username=" + username + ", credential="
                    + (credential == null ? "none" : "***") + ", expiresAt=" + expiresAt + "]";
        }
    }

    record Bye(String reason) implements SignalMessage {
        public Bye {
            Fields.maxLength(reason, 1024, "reason");
        }

        @Override
        public String type() {
            return "bye";
        }
    }

    /** A problem the other side should know of; {@code code} is for programs, {@code message} for people. */
    record ErrorMessage(String code, String message) implements SignalMessage {
        public ErrorMessage {
            Fields.require(code != null && !code.isBlank(), "code", "is required");
            Fields.maxLength(code, 64, "code");
            Fields.require(message != null, "message", "is required");
            Fields.maxLength(message, 4096, "message");
        }

        @Override
        public String type() {
            return "error";
        }
    }

    /** Clock sync request; {@code clientTimeMicros} is t0 on the viewer's wall clock. */
    record Ping(long id, long clientTimeMicros) implements SignalMessage {
        @Override
        public String type() {
            return "ping";
        }
    }

    /** Clock sync reply: t0 echoed, t1 when the streamer received the ping, t2 when it sent this. */
    record Pong(long id, long clientTimeMicros, long serverReceiveMicros, long serverSendMicros) implements SignalMessage {
        @Override
        public String type() {
            return "pong";
        }
    }

    /**
     * What the viewer is about to receive, and how to turn RTP timestamps into capture times:
     * {@code rtp = (rtpTimestampBase + (captureMicros − captureTimeBaseMicros) · clockRate / 10^6) mod 2^32}.
     */
    record StreamInfo(String codec, int width, int height, double fps, String profileLevelId, int clockRate,
                      long rtpTimestampBase, long captureTimeBaseMicros, String camera) implements SignalMessage {
        public StreamInfo {
            Fields.require("H264".equals(codec), "codec", "must be \"H264\"");
            Fields.require(width > 0 && width <= 8192, "width", "must be 1..8192");
            Fields.require(height > 0 && height <= 8192, "height", "must be 1..8192");
            Fields.require(fps > 0 && fps <= 1000, "fps", "must be above 0 and at most 1000");
            Fields.require(profileLevelId != null && profileLevelId.matches("[0-9a-fA-F]{6}"), "profileLevelId",
                    "must be 6 hex digits");
            Fields.require(clockRate > 0, "clockRate", "must be positive");
            Fields.rtpTimestamp(rtpTimestampBase, "rtpTimestampBase");
            Fields.maxLength(camera, 256, "camera");
        }

        /** Capture time (µs) of the most recent frame with this RTP timestamp at or before {@code nearMicros}. */
        public long captureTimeOf(long rtpTimestamp, long nearMicros) {
            long expected = rtpTimestampAt(nearMicros);
            long delta = (rtpTimestamp - expected) & 0xFFFFFFFFL;
            if (delta >= 0x80000000L) {
                delta -= 0x100000000L;
            }
            return nearMicros + delta * 1_000_000L / clockRate;
        }

        /** The RTP timestamp a frame captured at {@code captureMicros} carries. */
        public long rtpTimestampAt(long captureMicros) {
            return (rtpTimestampBase + Math.floorDiv((captureMicros - captureTimeBaseMicros) * clockRate, 1_000_000L))
                    & 0xFFFFFFFFL;
        }

        @Override
        public String type() {
            return "stream";
        }
    }

    /** Sent for every frame: when it was captured and when its last packet left the streamer. */
    record FrameInfo(long rtpTimestamp, long captureTimeMicros, long sendTimeMicros, int size, boolean keyframe)
            implements SignalMessage {
        public FrameInfo {
            Fields.rtpTimestamp(rtpTimestamp, "rtpTimestamp");
            Fields.require(size >= 0, "size", "cannot be negative");
        }

        @Override
        public String type() {
            return "frame";
        }
    }

    /**
     * How the viewer's path keeps up, sent about once a second and whenever skipping starts or stops.
     *
     * @param estimateBps      the bitrate the viewer's receiver estimates its path carries (REMB), null until it gives one
     * @param queueMs          how much of the round trip is queue on the path, ms
     * @param skipping         frames are being skipped for this viewer: they waited longer than the latency budget
     *                         (the link is too narrow); the picture resumes at the next keyframe
     * @param framesSkipped    frames skipped for this viewer so far
     * @param cameraBitrateBps what the camera sends now (it follows the viewers' paths)
     * @param budgetMs         the latency budget a frame may wait in the streamer
     */
    record PathInfo(Long estimateBps, int queueMs, boolean skipping, long framesSkipped, long cameraBitrateBps,
                    int budgetMs) implements SignalMessage {
        public PathInfo {
            Fields.require(estimateBps == null || estimateBps >= 0, "estimateBps", "cannot be negative");
            Fields.require(queueMs >= 0, "queueMs", "cannot be negative");
            Fields.require(framesSkipped >= 0, "framesSkipped", "cannot be negative");
            Fields.require(cameraBitrateBps >= 0, "cameraBitrateBps", "cannot be negative");
            Fields.require(budgetMs > 0, "budgetMs", "must be positive");
        }

        @Override
        public String type() {
            return "path";
        }
    }

    /** What a viewer reports back (all optional). */
    record Telemetry(Double latencyMs, Double speedMps, Long framesDecoded) implements SignalMessage {
        public Telemetry {
            Fields.require(latencyMs == null || (latencyMs >= 0 && latencyMs < 3_600_000), "latencyMs", "must be 0..3600000");
            Fields.require(speedMps == null || (speedMps >= 0 && speedMps < 200), "speedMps", "must be 0..200");
            Fields.require(framesDecoded == null || framesDecoded >= 0, "framesDecoded", "cannot be negative");
        }

        @Override
        public String type() {
            return "telemetry";
        }
    }
}
