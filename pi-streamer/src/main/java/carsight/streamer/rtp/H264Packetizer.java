package carsight.streamer.rtp;

import carsight.streamer.h264.AccessUnit;
import carsight.streamer.h264.NalUnit;

import java.util.ArrayList;
import java.util.List;

/**
 * RTP payloads for one H.264 access unit, RFC 6184 packetization-mode 1 (non-interleaved).
 *
 * <p>Small NAL units in front of the picture (SPS, PPS, SEI, AUD) are aggregated into one STAP-A when they fit; a
 * NAL unit that fits a payload goes alone (single NAL unit packet); a larger one is cut into FU-A fragments. The
 * caller sets the marker bit on the last payload of the access unit.
 */
public final class H264Packetizer {

    static final int STAP_A = 24;
    static final int FU_A = 28;

    private final int maxPayload;

    /** @param maxPayload largest RTP payload in bytes (see {@link RtpSizes#maxPayload}) */
    public H264Packetizer(int maxPayload) {
        if (maxPayload < 64) {
            throw new IllegalArgumentException("RTP payload limit " + maxPayload + " is too small for H.264");
        }
        this.maxPayload = maxPayload;
    }

    public List<byte[]> packetize(AccessUnit unit) {
        List<byte[]> payloads = new ArrayList<>();
        List<NalUnit> nals = unit.nalUnits();
        int i = 0;
        // aggregate the non-slice NAL units in front of the picture
        List<NalUnit> aggregate = new ArrayList<>();
        int aggregateSize = 1;
        while (i < nals.size() && !nals.get(i).isSlice()) {
            NalUnit nal = nals.get(i);
            if (aggregateSize + 2 + nal.size() > maxPayload) {
                break;
            }
            aggregate.add(nal);
            aggregateSize += 2 + nal.size();
            i++;
        }
        if (aggregate.size() == 1) {
            payloads.add(aggregate.get(0).bytes().clone());
        } else if (aggregate.size() > 1) {
            payloads.add(stapA(aggregate, aggregateSize));
        }
        for (; i < nals.size(); i++) {
            NalUnit nal = nals.get(i);
            if (nal.size() <= maxPayload) {
                payloads.add(nal.bytes().clone());
            } else {
                fragment(nal, payloads);
            }
        }
        return payloads;
    }

    /*
     * STAP-A (RFC 6184 §5.7.1):
     *  0                   1                   2                   3
     *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |STAP-A NAL HDR |         NALU 1 Size           | NALU 1 HDR    |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                         NALU 1 Data    ...    | NALU 2 Size   |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     */
    private static byte[] stapA(List<NalUnit> nals, int size) {
        byte[] out = new byte[size];
        int maxNri = 0;
        int pos = 1;
        for (NalUnit nal : nals) {
            maxNri = Math.max(maxNri, nal.nri());
            out[pos++] = (byte) (nal.size() >> 8);
            out[pos++] = (byte) nal.size();
            System.arraycopy(nal.bytes(), 0, out, pos, nal.size());
            pos += nal.size();
        }
        out[0] = (byte) ((maxNri << 5) | STAP_A); // F=0, NRI = highest of the aggregated units
        return out;
    }

    /*
     * FU-A (RFC 6184 §5.8): the NAL header is not sent; its F/NRI go in the indicator, its type in the FU header.
     *
     *   FU indicator       FU header
     * +---------------+ +---------------+
     * |0|1|2|3|4|5|6|7| |0|1|2|3|4|5|6|7|
     * +-+-+-+-+-+-+-+-+ +-+-+-+-+-+-+-+-+
     * |F|NRI|  Type=28| |S|E|R|  Type   |
     * +---------------+ +---------------+
     */
    private void fragment(NalUnit nal, List<byte[]> payloads) {
        byte[] data = nal.bytes();
        byte indicator = (byte) ((data[0] & 0xE0) | FU_A);
        int type = data[0] & 0x1F;
        int chunk = maxPayload - 2;
        for (int offset = 1; offset < data.length; offset += chunk) {
            int n = Math.min(chunk, data.length - offset);
            byte[] payload = new byte[2 + n];
            boolean start = offset == 1;
            boolean end = offset + n == data.length;
            payload[0] = indicator;
            payload[1] = (byte) ((start ? 0x80 : 0) | (end ? 0x40 : 0) | type);
            System.arraycopy(data, offset, payload, 2, n);
            payloads.add(payload);
        }
    }
}
