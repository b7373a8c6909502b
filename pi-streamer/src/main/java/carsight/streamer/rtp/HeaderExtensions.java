package carsight.streamer.rtp;

/**
 * Values of the header extensions the streamer sends when the viewer offered them; each encoder takes the id the
 * SDP negotiated.
 */
public final class HeaderExtensions {

    public static final String PLAYOUT_DELAY_URI = "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay";
    public static final String ABS_SEND_TIME_URI = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    public static final String ABS_CAPTURE_TIME_URI = "http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time";

    private HeaderExtensions() {
    }

    /*
     * playout-delay: minimum and maximum delay the receiver's jitter buffer should use, 10 ms units.
     *  0                   1                   2
     *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |       MIN delay       |       MAX delay       |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * min 0, max 0 asks libwebrtc and Chrome to render each frame as soon as it is decoded.
     */
    public static RtpPacket.HeaderExtension playoutDelay(int id, int minMillis, int maxMillis) {
        int min = Math.min(4095, Math.max(0, minMillis / 10));
        int max = Math.min(4095, Math.max(min, maxMillis / 10));
        return new RtpPacket.HeaderExtension(id, new byte[]{(byte) (min >> 4), (byte) ((min << 4) | (max >> 8)), (byte) max});
    }

    /** abs-send-time: 24 bits, 6.18 fixed-point seconds, the low bits of the NTP send time. */
    public static RtpPacket.HeaderExtension absSendTime(int id, long sendTimeMicros) {
        byte[] data = new byte[3];
        writeAbsSendTime(data, 0, sendTimeMicros);
        return new RtpPacket.HeaderExtension(id, data);
    }

    /** abs-send-time's 3-byte value (6.18 fixed-point seconds of the NTP time) written at {@code at}. */
    public static void writeAbsSendTime(byte[] into, int at, long sendTimeMicros) {
        long value = (NtpTime.fromEpochMicros(sendTimeMicros) >>> 14) & 0xFFFFFF;
        into[at] = (byte) (value >> 16);
        into[at + 1] = (byte) (value >> 8);
        into[at + 2] = (byte) value;
    }

    /** abs-capture-time: the 64-bit NTP time of capture (the short form, without the clock offset). */
    public static RtpPacket.HeaderExtension absCaptureTime(int id, long captureMicros) {
        long ntp = NtpTime.fromEpochMicros(captureMicros);
        byte[] data = new byte[8];
        for (int i = 0; i < 8; i++) {
            data[i] = (byte) (ntp >>> (56 - 8 * i));
        }
        return new RtpPacket.HeaderExtension(id, data);
    }
}
