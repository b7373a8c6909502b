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

    /**
     * A packet ready to protect: its sequence number and its bytes; {@code sendTimeAt} is where its abs-send-time value
     * sits in {@code bytes} (-1: it has none), for {@link #stampSendTime} when it really leaves.
     */
    public record Packet(int sequenceNumber, byte[] bytes, int payloadLength, int sendTimeAt) {

        /** Writes the time this packet leaves into its abs-send-time (nothing when it has none). */
        public void stampSendTime(long sendMicros) {
            if (sendTimeAt >= 0) {
                HeaderExtensions.writeAbsSendTime(bytes, sendTimeAt, sendMicros);
            }
        }
    }

    private final Negotiated negotiated;
    private final int playoutDelayMinMillis;
    private final int playoutDelayMaxMillis;
    private final long ssrc;
    private final H264Packetizer packetizer;
    private final int sendTimeAt;
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
        // abs-send-time's value: after the 12-byte header, the 4-byte extension header, the one-byte-form elements
        // before it and its own id/length byte (the order of extensions() is the same on every packet)
        int at = -1;
        if (negotiated.absSendTimeId() > 0) {
            at = 12 + 4;
            for (RtpPacket.HeaderExtension e : extensions(false, 0, 0)) {
                if (e.id() == negotiated.absSendTimeId()) {
                    break;
                }
                at += 1 + e.data().length;
            }
            at += 1;
        }
        this.sendTimeAt = at;
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
                    ssrc, extensions(i == 0, captureMicros, sendMicros), payload).toBytes(), payload.length, sendTimeAt));
        }
        return packets;
    }

    /** The most padding one packet carries (its count is one byte, RFC 3550 5.1). */
    public static final int MAX_PADDING = 255;

    /**
     * A padding-only packet (no payload, {@code padding} bytes of padding, 1..{@value #MAX_PADDING}) in the stream's
     * sequence, with the timestamp of the last frame: receivers count it towards what arrives and fill its sequence
     * number as an empty packet; it carries no picture.
     */
    public Packet padding(int padding, long rtpTimestamp, long sendMicros) {
        if (padding < 1 || padding > MAX_PADDING) {
            throw new IllegalArgumentException("padding of " + padding + " bytes is outside 1.." + MAX_PADDING);
        }
        int seq = sequence;
        sequence = (sequence + 1) & 0xFFFF;
        byte[] header = new RtpPacket(negotiated.payloadType(), false, seq, rtpTimestamp, ssrc,
                extensions(false, 0, sendMicros), new byte[0]).toBytes();
        byte[] bytes = java.util.Arrays.copyOf(header, header.length + padding);
        bytes[0] |= 0x20;
        bytes[bytes.length - 1] = (byte) padding;
        return new Packet(seq, bytes, 0, sendTimeAt);
    }

    /** The sequence number the next packet gets. */
    public int nextSequence() {
        return sequence;
    }

    /**
     * Header extensions of a frame's packets: playout-delay (ask the receiver to render at once) and abs-send-time on
     * every packet, the capture time on the first. abs-send-time on every packet matters: with it only on a frame's
     * first packet, Chromium's jitter buffer held our frames 6–8 ms on average in the latency lab, against 2–3 ms
     * with it on each (and about 1.3 ms for the same frames relayed by Janus). The value given here is only a first
     * one: each packet is stamped again as it leaves the pacer ({@link Packet#stampSendTime}).
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
