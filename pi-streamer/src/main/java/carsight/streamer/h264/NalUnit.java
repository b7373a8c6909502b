package carsight.streamer.h264;

import java.util.Arrays;

/**
 * One H.264 NAL unit as it travels in RTP: the NAL header byte and its payload, without any Annex-B start code.
 *
 * <pre>
 * +---------------+
 * |0|1|2|3|4|5|6|7|
 * +-+-+-+-+-+-+-+-+
 * |F|NRI|  Type   |
 * +---------------+
 * </pre>
 *
 * The bytes are owned by this value; callers must not modify the array they pass in or get back.
 */
public record NalUnit(byte[] bytes) {

    public static final int TYPE_NON_IDR_SLICE = 1;
    public static final int TYPE_IDR_SLICE = 5;
    public static final int TYPE_SEI = 6;
    public static final int TYPE_SPS = 7;
    public static final int TYPE_PPS = 8;
    public static final int TYPE_ACCESS_UNIT_DELIMITER = 9;

    public NalUnit {
        if (bytes == null || bytes.length == 0) {
            throw new IllegalArgumentException("a NAL unit needs at least its header byte");
        }
    }

    /** nal_unit_type, 0..31. */
    public int type() {
        return bytes[0] & 0x1F;
    }

    /** nal_ref_idc, 0..3. */
    public int nri() {
        return (bytes[0] >> 5) & 0x03;
    }

    public int size() {
        return bytes.length;
    }

    /** True for slices of a picture (VCL NAL units, types 1..5). */
    public boolean isSlice() {
        int t = type();
        return t >= 1 && t <= 5;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NalUnit other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "NalUnit[type=" + type() + ", size=" + bytes.length + "]";
    }
}
