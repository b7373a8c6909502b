package carsight.streamer.session;

import carsight.streamer.h264.AccessUnit;
import carsight.streamer.rtp.H264Packetizer;
import carsight.streamer.rtp.RtpPacket;
import carsight.streamer.rtp.RtpSizes;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * One outgoing RTP stream without header extensions, for a media server rather than a viewer ({@code --rtp-forward},
 * {@code --relay}): the viewers' H.264 packetization (RFC 6184 mode 1, room left for an SRTP tag), an SSRC of its own,
 * sequence numbers from a random start, the marker bit on each picture's last packet. Not thread-safe: one sender.
 */
final class PlainRtpStream {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final int payloadType;
    private final H264Packetizer packetizer = new H264Packetizer(RtpSizes.maxPayload(0));
    private final long ssrc = RANDOM.nextInt() & 0xFFFFFFFFL;
    private int sequence = RANDOM.nextInt(0x10000);

    PlainRtpStream(int payloadType) {
        this.payloadType = payloadType;
    }

    long ssrc() {
        return ssrc;
    }

    /** The picture's packets, in order, stamped with {@code timestamp} (90 kHz). */
    List<byte[]> packets(AccessUnit accessUnit, long timestamp) {
        List<byte[]> payloads = packetizer.packetize(accessUnit);
        List<byte[]> packets = new ArrayList<>(payloads.size());
        for (int i = 0; i < payloads.size(); i++) {
            packets.add(new RtpPacket(payloadType, i == payloads.size() - 1, sequence, timestamp & 0xFFFFFFFFL, ssrc,
                    List.of(), payloads.get(i)).toBytes());
            sequence = (sequence + 1) & 0xFFFF;
        }
        return packets;
    }
}
