package carsight.streamer.send;

import carsight.streamer.h264.AccessUnit;
import carsight.streamer.rtp.H264Packetizer;
import carsight.streamer.rtp.HeaderExtensions;
import carsight.streamer.rtp.RtpPacket;
import carsight.streamer.rtp.RtpSizes;
import carsight.streamer.sdp.Negotiated;

import java.util.ArrayList;
import java.util.List;

/**
 * The first stages of a viewer's way out: a frame's access unit cut into RTP payloads (RFC 6184), each given its
 * header extensions and the next sequence number, as plain (not yet protected) RTP packets. Times come in as
 * parameters; it reads no clock. One thread uses it (the viewer's sender).
 */
public final class RtpFramer {

    /** A packet ready to protect: its sequence number and its bytes. */
    public record Packet(int sequenceNumber, byte[] bytes, int payloadLength) {
    }

    private final Negotiated negotiated;
    private final int playoutDelayMinMillis;
    private final int playoutDelayMaxMillis;
    private final long ssrc;
    private final H264Packetizer packetizer;
    private int sequence;

    /**
     * @param firstSequence the first sequence number (RFC 3550: random)
     * @param playoutDelayMinMillis and {@code playoutDelayMaxMillis}: what the playout-delay extension asks for
     */
    public RtpFramer(Negotiated negotiated, long ssrc, int firstSequence, int playoutDelayMinMillis,
                     int playoutDelayMaxMillis) {
        this.negotiated = negotiated;
        this.ssrc = ssrc;
        this.sequence = firstSequence & 0xFFFF;
        this.playoutDelayMinMillis = playoutDelayMinMillis;
        this.playoutDelayMaxMillis = playoutDelayMaxMillis;
        // the extensions' sizes are fixed, so one payload limit holds for every packet
        this.packetizer = new H264Packetizer(RtpSizes.maxPayload(RtpPacket.extensionBlockSize(extensions(true, 0, 0))));
    }

    /** The packets of one frame, marker on the last, all with {@code rtpTimestamp}. */
    public List<Packet> packets(AccessUnit unit, long rtpTimestamp, long captureMicros, long sendMicros) {
        List<byte[]> payloads = packetizer.packetize(unit);
        List<Packet> packets = new ArrayList<>(payloads.size());
        for (int i = 0; i < payloads.size(); i++) {
            int seq = sequence;
            sequence = (sequence + 1) & 0xFFFF;
            byte[] payload = payloads.get(i);
            packets.add(new Packet(seq, new RtpPacket(negotiated.payloadType(), i == payloads.size() - 1, seq, rtpTimestamp,
                    ssrc, extensions(i == 0, captureMicros, sendMicros), payload).toBytes(), payload.length));
        }
        return packets;
    }

    /** The sequence number the next packet gets. */
    public int nextSequence() {
        return sequence;
    }

    /**
     * Header extensions of a frame's packets: playout-delay (ask the receiver to render at once) and abs-send-time on
     * every packet, the capture time on the first. abs-send-time on every packet matters: with it only on a frame's
     * first packet, Chromium's jitter buffer held our frames 6–8 ms on average in the latency lab, against 2–3 ms
     * with it on each (and about 1.3 ms for the same frames relayed by Janus).
     */
    private List<RtpPacket.HeaderExtension> extensions(boolean first, long captureMicros, long sendMicros) {
        List<RtpPacket.HeaderExtension> out = new ArrayList<>(3);
        if (negotiated.playoutDelayId() > 0) {
            out.add(HeaderExtensions.playoutDelay(negotiated.playoutDelayId(), playoutDelayMinMillis, playoutDelayMaxMillis));
        }
        if (negotiated.absSendTimeId() > 0) {
            out.add(HeaderExtensions.absSendTime(negotiated.absSendTimeId(), sendMicros));
        }
        if (first && negotiated.absCaptureTimeId() > 0) {
            out.add(HeaderExtensions.absCaptureTime(negotiated.absCaptureTimeId(), captureMicros));
        }
        return out;
    }
}
