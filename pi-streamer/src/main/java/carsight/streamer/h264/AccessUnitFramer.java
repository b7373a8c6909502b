package carsight.streamer.h264;

import java.util.ArrayList;
import java.util.List;

/**
 * Annex-B bytes in, access units out: {@link AnnexBReader} and {@link AccessUnitAssembler} together, for a camera
 * that writes H.264 to a pipe. A picture is complete the moment its writer says so ({@link #endOfFrame()}); without
 * that word it is complete only when the next picture's first bytes arrive, one frame interval later. Sans-I/O and
 * not thread-safe: one framer per stream.
 */
public final class AccessUnitFramer {

    private final AnnexBReader reader = new AnnexBReader();
    private final AccessUnitAssembler assembler = new AccessUnitAssembler();

    /** Bytes as they come; returns the pictures completed because the next one began. */
    public List<AccessUnit> feed(byte[] data, int offset, int length) {
        return assembler.addAll(reader.feed(data, offset, length));
    }

    public List<AccessUnit> feed(byte[] data) {
        return feed(data, 0, data.length);
    }

    /**
     * The writer says the current picture is complete (or the stream ends): returns it, or none when its bytes have
     * not arrived yet. Bytes of the next picture that have arrived already stay for it.
     */
    public List<AccessUnit> endOfFrame() {
        byte[] head = reader.pendingHead();
        if (head != null && assembler.startsNewPicture(head)) {
            // the next picture's first bytes have come already: they stay, the picture before them is complete
            AccessUnit done = assembler.endOfFrame();
            return done == null ? List.of() : List.of(done);
        }
        List<AccessUnit> completed = new ArrayList<>(assembler.addAll(reader.endOfFrame()));
        AccessUnit last = assembler.endOfFrame();
        if (last != null) {
            completed.add(last);
        }
        return completed;
    }

    /** The stream has ended: everything fed so far, split into pictures. */
    public List<AccessUnit> finish() {
        List<AccessUnit> completed = new ArrayList<>(assembler.addAll(reader.endOfFrame()));
        AccessUnit last = assembler.endOfFrame();
        if (last != null) {
            completed.add(last);
        }
        return completed;
    }

    /** See {@link AnnexBReader#strayBytes()}: bytes of a picture that came after it had been declared complete. */
    public long strayBytes() {
        return reader.strayBytes();
    }
}
