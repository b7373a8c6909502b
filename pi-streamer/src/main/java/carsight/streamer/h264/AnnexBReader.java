package carsight.streamer.h264;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits an H.264 Annex-B byte stream into NAL units, fed in chunks of any size as they come from a pipe.
 *
 * <p>A NAL unit starts after {@code 00 00 01} (or {@code 00 00 00 01}) and ends where the next start code begins — or
 * where the writer says its frame ends ({@link #endOfFrame()}), so the last NAL unit of a frame need not wait for the
 * next frame's start code. Emulation-prevention bytes stay in place: RTP carries the NAL units exactly as encoded.
 * Zero bytes that trail a NAL unit before the next start code are dropped. Not thread-safe: one reader per stream.
 */
public final class AnnexBReader {

    /** Largest NAL unit accepted; a stream without start codes must not grow memory without bound. */
    public static final int MAX_NAL_BYTES = 8 * 1024 * 1024;

    private final ByteArrayOutputStream current = new ByteArrayOutputStream(64 * 1024);
    private boolean inNal;
    private int zeros;
    private boolean afterEndOfFrame;
    private long strayBytes;

    /** Feeds bytes; returns the NAL units completed by them (the last one stays pending until a start code or the end of frame). */
    public List<NalUnit> feed(byte[] data, int offset, int length) {
        List<NalUnit> out = new ArrayList<>();
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            int b = data[i] & 0xFF;
            if (b == 0) {
                zeros++;
                continue;
            }
            if (b == 1 && zeros >= 2) {
                finish(out);
                inNal = true;
                afterEndOfFrame = false;
                zeros = 0;
                continue;
            }
            if (inNal) {
                for (; zeros > 0; zeros--) {
                    current.write(0);
                }
                current.write(b);
                if (current.size() > MAX_NAL_BYTES) {
                    throw new IllegalStateException("H.264 stream: a NAL unit is larger than " + MAX_NAL_BYTES
                            + " bytes — is this an Annex-B byte stream?");
                }
            } else if (afterEndOfFrame) {
                strayBytes += zeros + 1; // data after a frame's end and before the next start code: the end came early
            }
            zeros = 0;
        }
        return out;
    }

    public List<NalUnit> feed(byte[] data) {
        return feed(data, 0, data.length);
    }

    /**
     * The writer says its frame (or the stream) ends here: returns the pending NAL unit, if any. What follows must
     * begin with a start code; bytes that do not are counted in {@link #strayBytes()} and dropped.
     */
    public List<NalUnit> endOfFrame() {
        List<NalUnit> out = new ArrayList<>();
        zeros = 0; // trailing zeros belong to no NAL unit
        finish(out);
        inNal = false;
        afterEndOfFrame = true;
        return out;
    }

    /**
     * The first bytes (at most two: the header and the first byte after it) of the NAL unit in progress — begun, its
     * end not yet known — or null when there is none.
     */
    public byte[] pendingHead() {
        if (!inNal) {
            return null;
        }
        byte[] all = current.toByteArray(); // at most one NAL unit, and only when a frame ends
        return java.util.Arrays.copyOf(all, Math.min(2, all.length));
    }

    /**
     * Bytes that came after an end of frame without a start code before them: a frame was declared complete before
     * all of its bytes had arrived. Zero in a healthy stream.
     */
    public long strayBytes() {
        return strayBytes;
    }

    private void finish(List<NalUnit> out) {
        if (inNal && current.size() > 0) {
            out.add(new NalUnit(current.toByteArray()));
        }
        current.reset();
    }
}
