package carsight.streamer.h264;

import java.util.HexFormat;

/**
 * The facts of a sequence parameter set the streamer needs: profile and level (to negotiate
 * {@code profile-level-id}), picture size after cropping, and the frame rate when the VUI carries timing.
 *
 * @param profileIdc      profile_idc: 66 Baseline, 77 Main, 100 High, …
 * @param constraintFlags the byte of constraint_set0..5 flags and reserved bits, as coded
 * @param levelIdc        level_idc: 31 for 3.1, 40 for 4.0, …
 * @param fps             frames per second from VUI timing, or 0 when the SPS has none
 */
public record Sps(int profileIdc, int constraintFlags, int levelIdc, int width, int height, double fps) {

    /** The three bytes of {@code profile-level-id} (RFC 6184 §8.1) as 6 lowercase hex digits, e.g. "640028". */
    public String profileLevelId() {
        return HexFormat.of().toHexDigits((byte) profileIdc) + HexFormat.of().toHexDigits((byte) constraintFlags)
                + HexFormat.of().toHexDigits((byte) levelIdc);
    }

    public String profileName() {
        return switch (profileIdc) {
            case 66 -> (constraintFlags & 0x40) != 0 ? "Constrained Baseline" : "Baseline";
            case 77 -> "Main";
            case 88 -> "Extended";
            case 100 -> "High";
            case 110 -> "High 10";
            case 122 -> "High 4:2:2";
            case 244 -> "High 4:4:4";
            default -> "profile " + profileIdc;
        };
    }

    /** e.g. "High 4.0 1280x720". */
    public String describe() {
        return profileName() + " " + levelIdc / 10 + "." + levelIdc % 10 + " " + width + "x" + height;
    }

    /** Parses an SPS NAL unit (type 7, with its header byte). */
    public static Sps parse(NalUnit nal) {
        if (nal.type() != NalUnit.TYPE_SPS) {
            throw new IllegalArgumentException("not an SPS: NAL type " + nal.type());
        }
        RbspBitReader r = new RbspBitReader(nal.bytes());
        int profile = r.bits(8);
        int constraints = r.bits(8);
        int level = r.bits(8);
        r.ue(); // seq_parameter_set_id
        int chromaFormat = 1;
        boolean separateColourPlanes = false;
        if (profile == 100 || profile == 110 || profile == 122 || profile == 244 || profile == 44 || profile == 83
                || profile == 86 || profile == 118 || profile == 128 || profile == 138 || profile == 139
                || profile == 134 || profile == 135) {
            chromaFormat = r.ue();
            if (chromaFormat == 3) {
                separateColourPlanes = r.flag();
            }
            r.ue(); // bit_depth_luma_minus8
            r.ue(); // bit_depth_chroma_minus8
            r.flag(); // qpprime_y_zero_transform_bypass_flag
            if (r.flag()) { // seq_scaling_matrix_present_flag
                int lists = chromaFormat != 3 ? 8 : 12;
                for (int i = 0; i < lists; i++) {
                    if (r.flag()) {
                        skipScalingList(r, i < 6 ? 16 : 64);
                    }
                }
            }
        }
        r.ue(); // log2_max_frame_num_minus4
        int pocType = r.ue();
        if (pocType == 0) {
            r.ue(); // log2_max_pic_order_cnt_lsb_minus4
        } else if (pocType == 1) {
            r.flag(); // delta_pic_order_always_zero_flag
            r.se();
            r.se();
            int cycle = r.ue();
            for (int i = 0; i < cycle; i++) {
                r.se();
            }
        }
        r.ue(); // max_num_ref_frames
        r.flag(); // gaps_in_frame_num_value_allowed_flag
        int widthMbs = r.ue() + 1;
        int heightMapUnits = r.ue() + 1;
        boolean frameMbsOnly = r.flag();
        if (!frameMbsOnly) {
            r.flag(); // mb_adaptive_frame_field_flag
        }
        r.flag(); // direct_8x8_inference_flag
        int cropLeft = 0;
        int cropRight = 0;
        int cropTop = 0;
        int cropBottom = 0;
        if (r.flag()) {
            cropLeft = r.ue();
            cropRight = r.ue();
            cropTop = r.ue();
            cropBottom = r.ue();
        }
        int chromaArrayType = separateColourPlanes ? 0 : chromaFormat;
        int cropUnitX = chromaArrayType == 0 ? 1 : (chromaFormat == 3 ? 1 : 2);
        int cropUnitY = (chromaArrayType == 0 ? 1 : (chromaFormat == 1 ? 2 : 1)) * (frameMbsOnly ? 1 : 2);
        int width = widthMbs * 16 - cropUnitX * (cropLeft + cropRight);
        int height = (frameMbsOnly ? 1 : 2) * heightMapUnits * 16 - cropUnitY * (cropTop + cropBottom);
        double fps = 0;
        if (r.flag()) { // vui_parameters_present_flag
            fps = readVuiFrameRate(r);
        }
        return new Sps(profile, constraints, level, width, height, fps);
    }

    private static double readVuiFrameRate(RbspBitReader r) {
        try {
            if (r.flag()) { // aspect_ratio_info_present_flag
                if (r.bits(8) == 255) { // Extended_SAR
                    r.bits(16);
                    r.bits(16);
                }
            }
            if (r.flag()) { // overscan_info_present_flag
                r.flag();
            }
            if (r.flag()) { // video_signal_type_present_flag
                r.bits(3);
                r.flag();
                if (r.flag()) { // colour_description_present_flag
                    r.bits(24);
                }
            }
            if (r.flag()) { // chroma_loc_info_present_flag
                r.ue();
                r.ue();
            }
            if (r.flag()) { // timing_info_present_flag
                long unitsInTick = r.bitsLong(32);
                long timeScale = r.bitsLong(32);
                if (unitsInTick > 0 && timeScale > 0) {
                    return timeScale / (2.0 * unitsInTick);
                }
            }
        } catch (IllegalArgumentException e) {
            // a truncated VUI leaves the frame rate unknown; the rest of the SPS is still good
        }
        return 0;
    }

    private static void skipScalingList(RbspBitReader r, int size) {
        int last = 8;
        int next = 8;
        for (int j = 0; j < size; j++) {
            if (next != 0) {
                next = (last + r.se() + 256) % 256;
            }
            last = next == 0 ? last : next;
        }
    }
}
