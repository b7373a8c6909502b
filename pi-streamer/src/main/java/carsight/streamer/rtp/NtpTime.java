package carsight.streamer.rtp;

/** 64-bit NTP timestamps (RFC 5905: seconds since 1900 in the high 32 bits, fraction in the low 32). */
public final class NtpTime {

    /** Seconds from 1900-01-01 to 1970-01-01. */
    static final long EPOCH_OFFSET_SECONDS = 2_208_988_800L;

    private NtpTime() {
    }

    public static long fromEpochMicros(long micros) {
        long seconds = Math.floorDiv(micros, 1_000_000L) + EPOCH_OFFSET_SECONDS;
        long fraction = (Math.floorMod(micros, 1_000_000L) << 32) / 1_000_000L;
        return (seconds << 32) | fraction;
    }

    public static long toEpochMicros(long ntp) {
        long seconds = (ntp >>> 32) - EPOCH_OFFSET_SECONDS;
        long fraction = ((ntp & 0xFFFFFFFFL) * 1_000_000L) >>> 32;
        return seconds * 1_000_000L + fraction;
    }

    /** The middle 32 bits, as RTCP's LSR and DLSR use them. */
    public static long middle32(long ntp) {
        return (ntp >>> 16) & 0xFFFFFFFFL;
    }
}
