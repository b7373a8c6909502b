package carsight.streamer.flv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits an FLV byte stream (as {@code ffmpeg -f flv} writes it to a pipe) into tags, fed in chunks of any size.
 *
 * <p>The test pattern's encoder writes FLV rather than a raw Annex-B stream for one reason: every tag states its own
 * length, so a picture is known to be complete the moment its last byte arrives — a raw stream only says so when
 * the next picture's start code comes, a whole frame interval later. Sans-I/O, not thread-safe.
 *
 * <pre>
 * header:  'F' 'L' 'V' | version (1) | flags | header size (4 bytes, 9) | previous tag size 0 (4 bytes)
 * tag:     +--------+----------------+------------------+---------------+-----------+------------+
 *          | type 1 | data size 3    | timestamp 3 + 1  | stream id 3   | data …    | tag size 4 |
 *          +--------+----------------+------------------+---------------+-----------+------------+
 *          type 8 audio, 9 video, 18 script data; timestamp in ms, its fourth byte the high bits
 * </pre>
 */
public final class FlvTagReader {

    public static final int TYPE_VIDEO = 9;
    /** Largest tag accepted: a stream that is not FLV must not grow memory without bound. */
    public static final int MAX_TAG_BYTES = 8 * 1024 * 1024;

    private static final int TAG_HEADER = 11;
    private static final int TAG_TRAILER = 4;

    /** One tag's type, timestamp and data (owned by the tag). */
    public record Tag(int type, long timestampMillis, byte[] data) {
    }

    private byte[] buffer = new byte[64 * 1024];
    private int filled;
    private boolean headerSeen;
    /** Bytes to pass over before the next tag: the 4-byte size that follows each tag (and the file header). */
    private int skip;

    /** Feeds bytes; returns the tags they completed. A tag is complete with its data: its size trailer may follow later. */
    public List<Tag> feed(byte[] bytes, int offset, int length) {
        ensureCapacity(filled + length);
        System.arraycopy(bytes, offset, buffer, filled, length);
        filled += length;
        List<Tag> tags = new ArrayList<>();
        int at = 0;
        if (!headerSeen) {
            if (filled < 9) {
                return tags;
            }
            if (buffer[0] != 'F' || buffer[1] != 'L' || buffer[2] != 'V') {
                throw new IllegalStateException("not an FLV stream: it starts with "
                        + Arrays.toString(Arrays.copyOf(buffer, 3)));
            }
            int headerSize = readInt(buffer, 5);
            if (headerSize < 9 || headerSize > 64) {
                throw new IllegalStateException("FLV header size " + headerSize + " is not plausible");
            }
            if (filled < headerSize) {
                return tags;
            }
            at = headerSize;
            skip = TAG_TRAILER; // "previous tag size" 0
            headerSeen = true;
        }
        while (true) {
            if (skip > 0) {
                int n = Math.min(skip, filled - at);
                at += n;
                skip -= n;
                if (skip > 0) {
                    break;
                }
            }
            if (filled - at < TAG_HEADER) {
                break;
            }
            int type = buffer[at] & 0x1F;
            int size = ((buffer[at + 1] & 0xFF) << 16) | ((buffer[at + 2] & 0xFF) << 8) | (buffer[at + 3] & 0xFF);
            if (size > MAX_TAG_BYTES) {
                throw new IllegalStateException("FLV tag of " + size + " bytes is larger than " + MAX_TAG_BYTES);
            }
            if (filled - at < TAG_HEADER + size) {
                break;
            }
            long timestamp = ((long) (buffer[at + 7] & 0xFF) << 24) | ((buffer[at + 4] & 0xFF) << 16)
                    | ((buffer[at + 5] & 0xFF) << 8) | (buffer[at + 6] & 0xFF);
            tags.add(new Tag(type, timestamp, Arrays.copyOfRange(buffer, at + TAG_HEADER, at + TAG_HEADER + size)));
            at += TAG_HEADER + size;
            skip = TAG_TRAILER;
        }
        System.arraycopy(buffer, at, buffer, 0, filled - at);
        filled -= at;
        return tags;
    }

    public List<Tag> feed(byte[] bytes) {
        return feed(bytes, 0, bytes.length);
    }

    private void ensureCapacity(int needed) {
        if (needed > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(needed, buffer.length * 2));
        }
    }

    static int readInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }
}
