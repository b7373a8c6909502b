package carsight.streamer.rtp;

import carsight.streamer.h264.NalUnit;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Rebuilds NAL units from RFC 6184 payloads (single NAL, STAP-A, FU-A) — the receiving half of
 * {@link H264Packetizer}, used by the tests. A fragment that arrives without its start is dropped, as a
 * decoder would have to.
 */
public final class H264Depacketizer {

    private ByteArrayOutputStream fragment;

    /** Returns the NAL units completed by this payload. */
    public List<NalUnit> depacketize(byte[] payload) {
        List<NalUnit> out = new ArrayList<>();
        if (payload.length < 1) {
            throw new IllegalArgumentException("empty H.264 RTP payload");
        }
        int type = payload[0] & 0x1F;
        if (type == H264Packetizer.STAP_A) {
            int pos = 1;
            while (pos + 2 <= payload.length) {
                int size = ((payload[pos] & 0xFF) << 8) | (payload[pos + 1] & 0xFF);
                pos += 2;
                if (size == 0 || pos + size > payload.length) {
                    throw new IllegalArgumentException("STAP-A unit of " + size + " bytes overruns the payload");
                }
                out.add(new NalUnit(java.util.Arrays.copyOfRange(payload, pos, pos + size)));
                pos += size;
            }
        } else if (type == H264Packetizer.FU_A) {
            if (payload.length < 3) {
                throw new IllegalArgumentException("FU-A payload of " + payload.length + " bytes is too short");
            }
            boolean start = (payload[1] & 0x80) != 0;
            boolean end = (payload[1] & 0x40) != 0;
            if (start) {
                fragment = new ByteArrayOutputStream();
                fragment.write((payload[0] & 0xE0) | (payload[1] & 0x1F));
            }
            if (fragment == null) {
                return out;
            }
            fragment.write(payload, 2, payload.length - 2);
            if (end) {
                out.add(new NalUnit(fragment.toByteArray()));
                fragment = null;
            }
        } else {
            out.add(new NalUnit(payload.clone()));
        }
        return out;
    }

    /** Forgets a half-received fragment (after a sequence gap). */
    public void reset() {
        fragment = null;
    }
}
