package carsight.streamer.h264;

import java.util.ArrayList;
import java.util.List;

/**
 * Groups NAL units into access units (one coded picture each), following the rules of H.264 §7.4.1.2.3 that matter
 * for the streams we carry: an access unit delimiter, SPS, PPS or SEI after a slice starts a new unit, and so does a
 * slice whose {@code first_mb_in_slice} is 0 after another slice. A unit is complete when the next one begins, or —
 * without waiting for that — when the writer says its frame ends ({@link #endOfFrame()}). Not thread-safe.
 */
public final class AccessUnitAssembler {

    private final List<NalUnit> pending = new ArrayList<>();
    private boolean pendingHasSlice;

    /** Adds one NAL unit; returns the access unit it completed, or null. */
    public AccessUnit add(NalUnit nal) {
        AccessUnit completed = null;
        if (pendingHasSlice && startsNewAccessUnit(nal)) {
            completed = AccessUnit.of(pending);
            pending.clear();
            pendingHasSlice = false;
        }
        pending.add(nal);
        if (nal.isSlice()) {
            pendingHasSlice = true;
        }
        return completed;
    }

    /** Adds several NAL units; returns every access unit they completed. */
    public List<AccessUnit> addAll(List<NalUnit> nals) {
        List<AccessUnit> out = new ArrayList<>();
        for (NalUnit nal : nals) {
            AccessUnit au = add(nal);
            if (au != null) {
                out.add(au);
            }
        }
        return out;
    }

    /**
     * The writer says the frame (or the stream) ends here: returns what is pending if it holds a picture, or null
     * (parameter sets alone stay pending for the picture they precede).
     */
    public AccessUnit endOfFrame() {
        if (!pendingHasSlice) {
            return null;
        }
        AccessUnit au = AccessUnit.of(pending);
        pending.clear();
        pendingHasSlice = false;
        return au;
    }

    /**
     * True when a NAL unit beginning with {@code head} (its first bytes; fewer than two when that is all there is yet)
     * would start a new picture after what is pending: a picture is pending, and this is an SPS, PPS, SEI, delimiter
     * or the first slice of another picture. A slice whose second byte is still to come counts as a new picture: the
     * caller asks only once the pending picture is known to be complete.
     */
    public boolean startsNewPicture(byte[] head) {
        if (!pendingHasSlice) {
            return false;
        }
        if (head.length < 2) {
            return true;
        }
        return startsNewAccessUnit(new NalUnit(head));
    }

    private static boolean startsNewAccessUnit(NalUnit nal) {
        int type = nal.type();
        if (type == NalUnit.TYPE_ACCESS_UNIT_DELIMITER || type == NalUnit.TYPE_SPS || type == NalUnit.TYPE_PPS
                || type == NalUnit.TYPE_SEI || (type >= 14 && type <= 18)) {
            return true;
        }
        return nal.isSlice() && firstMbInSliceIsZero(nal);
    }

    /** first_mb_in_slice is ue(v) right after the header; ue(v) == 0 is the single bit 1. */
    private static boolean firstMbInSliceIsZero(NalUnit nal) {
        byte[] b = nal.bytes();
        return b.length > 1 && (b[1] & 0x80) != 0;
    }
}
