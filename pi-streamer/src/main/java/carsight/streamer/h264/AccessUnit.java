package carsight.streamer.h264;

import java.util.List;

/**
 * The NAL units of one coded picture, in decoding order, with any SPS/PPS that precede it.
 * {@code keyframe} is true when the unit holds an IDR slice, i.e. a decoder can start here
 * (given the SPS and PPS, which the Pi's encoder repeats before every IDR with {@code --inline}).
 */
public record AccessUnit(List<NalUnit> nalUnits, boolean keyframe) {

    public AccessUnit {
        nalUnits = List.copyOf(nalUnits);
        if (nalUnits.isEmpty()) {
            throw new IllegalArgumentException("an access unit holds at least one NAL unit");
        }
    }

    public static AccessUnit of(List<NalUnit> nalUnits) {
        boolean idr = nalUnits.stream().anyMatch(n -> n.type() == NalUnit.TYPE_IDR_SLICE);
        return new AccessUnit(nalUnits, idr);
    }

    /** Bytes of all NAL units, without start codes. */
    public int size() {
        int total = 0;
        for (NalUnit n : nalUnits) {
            total += n.size();
        }
        return total;
    }

    public boolean hasParameterSets() {
        return nalUnits.stream().anyMatch(n -> n.type() == NalUnit.TYPE_SPS)
                && nalUnits.stream().anyMatch(n -> n.type() == NalUnit.TYPE_PPS);
    }
}
