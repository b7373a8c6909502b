package carsight.streamer.session;

import carsight.protocol.clock.WallClock;
import carsight.streamer.camera.EncodedFrame;
import carsight.streamer.congestion.Pacer;
import carsight.streamer.rtcp.RtcpPacket;
import carsight.streamer.sdp.Negotiated;
import carsight.streamer.send.NackResponder;
import carsight.streamer.send.ReceiverReports;
import carsight.streamer.send.RtpFramer;
import carsight.streamer.send.SenderReports;
import carsight.streamer.srtp.SrtpContext;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * One viewer's way out, a short line of stages each frame passes through: {@link RtpFramer packetize, header
 * extensions, sequence numbers} → SRTP → pacing → {@link NackResponder retransmission cache} → send. Beside it:
 * {@link SenderReports sender reports} (NTP ↔ RTP from the same capture clock), NACK answers and the
 * {@link ReceiverReports receiver reports}' round-trip time and loss. Called from the viewer's sender thread, except
 * {@link #retransmit} and {@link #onReceiverReport} (the thread that reads the viewer's datagrams), which only touch
 * thread-safe parts.
 */
public final class SendPath {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** What SRTP adds to a packet (AES_CM_128_HMAC_SHA1_80's authentication tag). */
    private static final int SRTP_TAG_BYTES = 10;

    private final StreamerContext context;
    private final Wire out;
    private final long ssrc;
    private final RtpFramer framer;
    private final NackResponder nacks = new NackResponder(2048, 1000);
    private final SenderReports senderReports;
    private final ReceiverReports receiverReports;
    private final Pacer pacer = new Pacer();
    private volatile SrtpContext srtp;
    private volatile long packetsSent;
    private volatile long octetsSent;
    private volatile long bytesOnWire;
    /** The RTP timestamp of the last frame sent (padding carries it), -1 before the first. */
    private long lastRtpTimestamp = -1;

    /** Where packets leave: the session's ICE path in use. */
    interface Wire {
        void send(byte[] buffer, int offset, int length) throws IOException;
    }

    SendPath(StreamerContext context, Negotiated negotiated, Wire wire, long ssrc) {
        this.context = context;
        this.out = wire;
        this.ssrc = ssrc;
        this.framer = new RtpFramer(negotiated, ssrc, RANDOM.nextInt(0x10000), context.settings().playoutDelayMinMillis(),
                context.settings().playoutDelayMaxMillis());
        this.senderReports = new SenderReports(ssrc, context.cname(), context::rtpTimestampOf);
        this.receiverReports = new ReceiverReports(ssrc);
    }

    public long ssrc() {
        return ssrc;
    }

    void ready(SrtpContext outbound) {
        this.srtp = outbound;
    }

    /** Spaces this viewer's packets (see {@link Pacer}): the rate its path carries, or none. */
    Pacer pacer() {
        return pacer;
    }

    /** Sends every packet of a frame, paced; returns the send time of its last packet (µs since the epoch). */
    long send(EncodedFrame frame) throws IOException {
        SrtpContext protect = srtp;
        if (protect == null) {
            throw new IOException("session closed");
        }
        long rtpTimestamp = context.rtpTimestampOf(frame.captureTimeMicros());
        lastRtpTimestamp = rtpTimestamp;
        for (RtpFramer.Packet packet : framer.packets(frame.accessUnit(), rtpTimestamp, frame.captureTimeMicros(),
                WallClock.nowMicros())) {
            send(protect, packet);
            octetsSent += packet.payloadLength();
        }
        return WallClock.nowMicros();
    }

    /**
     * Sends padding-only packets of about {@code bytes} in all, paced like media: what a path is probed with while its
     * receiver's estimate is held down by how little it was sent (see {@link carsight.streamer.congestion.Probe}).
     */
    void sendPadding(int bytes) throws IOException {
        SrtpContext protect = srtp;
        if (protect == null || lastRtpTimestamp < 0) {
            return;
        }
        int left = bytes;
        while (left > 0) {
            RtpFramer.Packet packet = framer.padding(Math.min(RtpFramer.MAX_PADDING, left), lastRtpTimestamp,
                    WallClock.nowMicros());
            send(protect, packet);
            left -= packet.bytes().length + SRTP_TAG_BYTES;
            context.metrics().paddingSent(packet.bytes().length + SRTP_TAG_BYTES);
        }
    }

    /** Answers a NACK with the packets still cached; the rest are gone and the receiver will ask for a keyframe. */
    void retransmit(List<Integer> sequenceNumbers) {
        for (byte[] packet : nacks.answer(sequenceNumbers, System.nanoTime())) {
            try {
                out.send(packet, 0, packet.length);
                context.metrics().retransmitted(packet.length);
            } catch (IOException e) {
                return;
            }
        }
    }

    /** One packet out: paced, stamped with the time it leaves, protected, kept for NACKs, sent. */
    private void send(SrtpContext protect, RtpFramer.Packet packet) throws IOException {
        long now = System.nanoTime();
        long wait = pacer.waitNanos(packet.bytes().length + SRTP_TAG_BYTES, now);
        if (wait > 0) {
            LockSupport.parkNanos(wait);
            now = System.nanoTime();
        }
        // the send time is the moment it leaves the pacer: the receiver's estimator reads the difference between
        // send and arrival spacing as the path's queue, and the time waited here is not the path's
        packet.stampSendTime(WallClock.nowMicros());
        byte[] wire = protect.protectRtp(packet.bytes());
        pacer.sent(wire.length, now);
        nacks.sent(packet.sequenceNumber(), wire, now);
        out.send(wire, 0, wire.length);
        packetsSent++;
        bytesOnWire += wire.length;
        context.metrics().packetSent(wire.length);
    }

    /** Sends an RTCP sender report mapping our wall clock to the RTP clock, with our CNAME. */
    void sendSenderReport() throws IOException {
        SrtpContext protect = srtp;
        if (protect == null) {
            return;
        }
        byte[] wire = protect.protectRtcp(senderReports.report(WallClock.nowMicros(), packetsSent, octetsSent));
        out.send(wire, 0, wire.length);
    }

    void onReceiverReport(RtcpPacket.ReceiverReport report) {
        receiverReports.onReport(report, WallClock.nowMicros());
    }

    long rtpTimestampOf(EncodedFrame frame) {
        return context.rtpTimestampOf(frame.captureTimeMicros());
    }

    public double rttMillis() {
        return receiverReports.rttMillis();
    }

    public double lossFraction() {
        return receiverReports.lossFraction();
    }

    public long packetsSent() {
        return packetsSent;
    }

    /** Bytes of media packets sent so far, as they went on the wire (the rate sent to this viewer). */
    public long bytesOnWire() {
        return bytesOnWire;
    }

    public long retransmissions() {
        return nacks.retransmissions();
    }

    void close() {
        srtp = null;
    }
}
