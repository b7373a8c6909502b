package carsight.streamer.flv;

import carsight.streamer.h264.AccessUnit;
import carsight.streamer.h264.NalUnit;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns the H.264 video tags of an FLV stream into access units: one tag of type "NAL units" is one whole picture.
 * The parameter sets come in the stream's sequence header (an AVCDecoderConfigurationRecord, ISO/IEC 14496-15
 * §5.2.4.1); a keyframe that does not carry them in-band gets them put in front, so every IDR a viewer receives can
 * be decoded on its own. Sans-I/O, not thread-safe.
 *
 * <pre>
 * video tag data:  | frame type 4 bits (1 key, 2 inter) | codec 4 bits (7 AVC) | AVC packet type 1 | composition time 3 | …
 * packet type 0:   AVCDecoderConfigurationRecord
 *                  | version | profile | compat | level | 111111 lengthSizeMinusOne(2) | 111 numSPS(5) |
 *                  | (SPS length 2 | SPS)* | numPPS 1 | (PPS length 2 | PPS)* |
 * packet type 1:   (NAL unit length, lengthSizeMinusOne + 1 bytes | NAL unit)*
 * </pre>
 */
public final class FlvAvc {

    private static final int CODEC_AVC = 7;
    private static final int PACKET_SEQUENCE_HEADER = 0;
    private static final int PACKET_NAL_UNITS = 1;

    private List<NalUnit> parameterSets = List.of();
    private int lengthSize = 4;

    /** The picture in {@code tag}, or null for a tag that holds none (script data, sequence header, end of sequence). */
    public AccessUnit picture(FlvTagReader.Tag tag) {
        byte[] d = tag.data();
        if (tag.type() != FlvTagReader.TYPE_VIDEO || d.length < 5) {
            return null;
        }
        if ((d[0] & 0x0F) != CODEC_AVC) {
            throw new IllegalStateException("FLV video tag with codec id " + (d[0] & 0x0F) + ", not H.264 (7)");
        }
        int packetType = d[1] & 0xFF;
        if (packetType == PACKET_SEQUENCE_HEADER) {
            readConfiguration(d, 5);
            return null;
        }
        if (packetType != PACKET_NAL_UNITS) {
            return null;
        }
        List<NalUnit> nals = new ArrayList<>();
        int at = 5;
        while (at < d.length) {
            if (d.length - at < lengthSize) {
                throw new IllegalStateException("FLV AVC tag: a NAL unit length is cut short");
            }
            int length = 0;
            for (int i = 0; i < lengthSize; i++) {
                length = (length << 8) | (d[at + i] & 0xFF);
            }
            at += lengthSize;
            if (length <= 0 || length > d.length - at) {
                throw new IllegalStateException("FLV AVC tag: NAL unit of " + length + " bytes in " + (d.length - at) + " left");
            }
            nals.add(new NalUnit(java.util.Arrays.copyOfRange(d, at, at + length)));
            at += length;
        }
        if (nals.stream().noneMatch(NalUnit::isSlice)) {
            return null;
        }
        AccessUnit unit = AccessUnit.of(nals);
        if (unit.keyframe() && !unit.hasParameterSets() && !parameterSets.isEmpty()) {
            List<NalUnit> withSets = new ArrayList<>(parameterSets);
            withSets.addAll(nals);
            unit = AccessUnit.of(withSets);
        }
        return unit;
    }

    private void readConfiguration(byte[] d, int at) {
        if (d.length - at < 7) {
            throw new IllegalStateException("FLV AVC sequence header too short");
        }
        lengthSize = (d[at + 4] & 0x03) + 1;
        List<NalUnit> sets = new ArrayList<>();
        int count = d[at + 5] & 0x1F;
        int p = at + 6;
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < count; i++) {
                if (d.length - p < 2) {
                    throw new IllegalStateException("FLV AVC sequence header cut short");
                }
                int length = ((d[p] & 0xFF) << 8) | (d[p + 1] & 0xFF);
                p += 2;
                if (length == 0 || length > d.length - p) {
                    throw new IllegalStateException("FLV AVC sequence header: parameter set of " + length + " bytes");
                }
                sets.add(new NalUnit(java.util.Arrays.copyOfRange(d, p, p + length)));
                p += length;
            }
            if (pass == 0) {
                if (p >= d.length) {
                    break;
                }
                count = d[p++] & 0xFF;
            }
        }
        parameterSets = List.copyOf(sets);
    }
}
