package carsight.protocol.signal;

/** Field checks shared by the message records; failures name the field so the sender can fix it. */
final class Fields {

    static final int MAX_SDP_CHARS = 32 * 1024;

    private Fields() {
    }

    static void require(boolean condition, String field, String rule) {
        if (!condition) {
            throw new IllegalArgumentException("field '" + field + "' " + rule);
        }
    }

    static void maxLength(String value, int max, String field) {
        require(value == null || value.length() <= max, field, "is longer than " + max + " characters");
    }

    static void sdp(String sdp) {
        require(sdp != null && !sdp.isBlank(), "sdp", "is required");
        maxLength(sdp, MAX_SDP_CHARS, "sdp");
    }

    static void rtpTimestamp(long value, String field) {
        require(value >= 0 && value <= 0xFFFFFFFFL, field, "must be 0..4294967295");
    }
}
