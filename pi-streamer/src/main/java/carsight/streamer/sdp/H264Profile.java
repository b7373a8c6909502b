package carsight.streamer.sdp;

import java.util.HexFormat;
import java.util.Locale;

/**
 * An H.264 {@code profile-level-id} (RFC 6184 §8.1): profile_idc, the constraint-flag byte, level_idc.
 * Profiles are ranked along the chain in which each decoder also decodes the ones before it:
 * Constrained Baseline ⊂ Main ⊂ High ⊂ High 10 ⊂ High 4:2:2 ⊂ High 4:4:4 (plain Baseline decoders also take
 * Constrained Baseline).
 */
public record H264Profile(int profileIdc, int constraints, int levelIdc) {

    public static H264Profile parse(String hex) {
        if (hex == null || !hex.matches("[0-9a-fA-F]{6}")) {
            throw new IllegalArgumentException("profile-level-id must be 6 hex digits, got '" + hex + "'");
        }
        byte[] b = HexFormat.of().parseHex(hex);
        return new H264Profile(b[0] & 0xFF, b[1] & 0xFF, b[2] & 0xFF);
    }

    /** Position in the decoding chain; higher ranks decode everything of lower rank (Baseline aside). */
    public int rank() {
        if (profileIdc == 66) {
            return (constraints & 0x40) != 0 ? 1 : 2;
        }
        return switch (profileIdc) {
            case 77 -> 3;
            case 88 -> 3;
            case 100 -> 4;
            case 110 -> 5;
            case 122 -> 6;
            case 244 -> 7;
            default -> 4;
        };
    }

    public String hex() {
        return String.format(Locale.ROOT, "%02x%02x%02x", profileIdc, constraints, levelIdc);
    }

    /** Same profile, another level. */
    public H264Profile withLevel(int level) {
        return new H264Profile(profileIdc, constraints, level);
    }

    public String name() {
        return switch (rank()) {
            case 1 -> "Constrained Baseline";
            case 2 -> "Baseline";
            case 3 -> "Main";
            case 4 -> profileIdc == 100 ? "High" : "profile " + profileIdc;
            case 5 -> "High 10";
            case 6 -> "High 4:2:2";
            default -> "High 4:4:4";
        };
    }
}
