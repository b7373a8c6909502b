package carsight.streamer.session;

import carsight.streamer.camera.EncodedFrame;
import carsight.streamer.congestion.Pacer;
import carsight.protocol.clock.WallClock;
import carsight.streamer.rtcp.RtcpPacket;
import carsight.streamer.rtcp.RtcpWriter;
import carsight.streamer.rtp.H264Packetizer;
import carsight.streamer.rtp.HeaderExtensions;
import carsight.streamer.rtp.NtpTime;
import carsight.streamer.rtp.RetransmissionCache;
import carsight.streamer.rtp.RtpPacket;
import carsight.streamer.rtp.RtpSizes;
import carsight.streamer.sdp.Negotiated;
import carsight.streamer.srtp.SrtpContext;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * One viewer's way out, a short line of stages each frame passes through:
 * packetize (RFC 6184) → header extensions → sequence numbers → SRTP → retransmission cache → send.
 * Beside it: sender reports (NTP ↔ RTP from the same capture clock), NACK answers from the cache, and the receiver
 * reports' round-trip time and loss. Called from the viewer's sender thread, except {@link #retransmit} and
 * {@link #onReceiverReport} (receive thread), which only touch thread-safe parts.
 */
public final class SendPath {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final StreamerContext context;
    private final Negotiated negotiated;
    private final Wire out;
    private final long ssrc;
    private final H264Packetizer packetizer;
    private final RetransmissionCache cache = new RetransmissionCache(2048, 1000);
    private final Pacer pacer = new Pacer();
    private volatile SrtpContext srtp;
    private int sequence = RANDOM.nextInt(0x10000);
    private volatile long packetsSent;
    private volatile long octetsSent;
    private volatile long bytesOnWire;
    private volatile long lastRtpTimestamp;
    private volatile long lastCaptureMicros;
    private volatile double rttMillis = -1;
    private volatile double lossFraction;
    private volatile long retransmissions;

    /** Where packets leave: the session's ICE path in use. */
    interface Wire {
        void send(byte[] buffer, int offset, int length) throws IOException;
    }

    SendPath(StreamerContext context, Negotiated negotiated, Wire wire, long ssrc) {
        this.context = context;
        this.negotiated = negotiated;
        this.out = wire;
        this.ssrc = ssrc;
        this.packetizer = new H264Packetizer(RtpSizes.maxPayload(RtpPacket.extensionBlockSize(sampleExtensions(true, 0, 0))));
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
        SrtpContext context = srtp;
        if (context == null) {
            throw new IOException("session closed");
        }
        long rtpTimestamp = this.context.rtpTimestampOf(frame.captureTimeMicros());
        List<byte[]> payloads = packetizer.packetize(frame.accessUnit());
        long sendMicros = WallClock.nowMicros();
        for (int i = 0; i < payloads.size(); i++) {
            boolean last = i == payloads.size() - 1;
            List<RtpPacket.HeaderExtension> extensions = sampleExtensions(i == 0, frame.captureTimeMicros(), sendMicros);
            int seq = sequence;
            sequence = (sequence + 1) & 0xFFFF;
            byte[] plain = new RtpPacket(negotiated.payloadType(), last, seq, rtpTimestamp, ssrc, extensions,
                    payloads.get(i)).toBytes();
            byte[] wire = context.protectRtp(plain);
            long now = System.nanoTime();
            long wait = pacer.waitNanos(wire.length, now);
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                now = System.nanoTime();
            }
            pacer.sent(wire.length, now);
            cache.put(seq, wire, now);
            out.send(wire, 0, wire.length);
            packetsSent++;
            octetsSent += payloads.get(i).length;
            bytesOnWire += wire.length;
            this.context.metrics().packetSent(wire.length);
        }
        lastRtpTimestamp = rtpTimestamp;
        lastCaptureMicros = frame.captureTimeMicros();
        return WallClock.nowMicros();
    }

    /**
     * Header extensions of a frame's packets: playout-delay (ask the receiver to render at once) and abs-send-time on
     * every packet, the capture time on the first. abs-send-time on every packet matters: with it only on a frame's
     * first packet, Chromium's jitter buffer held our frames 6–8 ms on average in the latency lab, against 2–3 ms
     * with it on each (and about 1.3 ms for the same frames relayed by Janus). Sizes are fixed, so the packetizer's
     * payload limit holds for every packet.
     */
    private List<RtpPacket.HeaderExtension> sampleExtensions(boolean first, long captureMicros, long sendMicros) {
        List<RtpPacket.HeaderExtension> out = new ArrayList<>(3);
        if (negotiated != null && negotiated.playoutDelayId() > 0) {
            out.add(HeaderExtensions.playoutDelay(negotiated.playoutDelayId(), context.settings().playoutDelayMinMillis(),
                    context.settings().playoutDelayMaxMillis()));
        }
        if (negotiated != null && negotiated.absSendTimeId() > 0) {
            out.add(HeaderExtensions.absSendTime(negotiated.absSendTimeId(), sendMicros));
        }
        if (first && negotiated != null && negotiated.absCaptureTimeId() > 0) {
            out.add(HeaderExtensions.absCaptureTime(negotiated.absCaptureTimeId(), captureMicros));
        }
        return out;
    }

    /** Answers a NACK with the packets still cached; the rest are gone and the receiver will ask for a keyframe. */
    void retransmit(List<Integer> sequenceNumbers) {
        long now = System.nanoTime();
        for (int seq : sequenceNumbers) {
            byte[] packet = cache.get(seq, now);
            if (packet == null) {
                continue;
            }
            try {
                out.send(packet, 0, packet.length);
                retransmissions++;
                context.metrics().retransmitted(packet.length);
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Sends an RTCP sender report mapping our wall clock to the RTP clock, with our CNAME. */
    void sendSenderReport() throws IOException {
        SrtpContext context = srtp;
        if (context == null) {
            return;
        }
        long now = WallClock.nowMicros();
        byte[] report = RtcpWriter.senderReportWithCname(ssrc, NtpTime.fromEpochMicros(now),
                this.context.rtpTimestampOf(now), packetsSent, octetsSent, this.context.cname());
        byte[] wire = context.protectRtcp(report);
        out.send(wire, 0, wire.length);
    }

    void onReceiverReport(RtcpPacket.ReceiverReport report) {
        for (RtcpPacket.ReportBlock block : report.reports()) {
            if (block.ssrc() != ssrc) {
                continue;
            }
            lossFraction = block.lossFraction();
            if (block.lastSenderReport() != 0) {
                long nowMiddle = NtpTime.middle32(NtpTime.fromEpochMicros(WallClock.nowMicros()));
                long rtt = (nowMiddle - block.lastSenderReport() - block.delaySinceLastSenderReport()) & 0xFFFFFFFFL;
                if (rtt < 0x10000L * 10) { // under 10 s: plausible
                    rttMillis = rtt * 1000.0 / 65536.0;
                }
            }
        }
    }

    long rtpTimestampOf(EncodedFrame frame) {
        return context.rtpTimestampOf(frame.captureTimeMicros());
    }

    public double rttMillis() {
        return rttMillis;
    }

    public double lossFraction() {
        return lossFraction;
    }

    public long packetsSent() {
        return packetsSent;
    }

    /** Bytes of media packets sent so far, as they went on the wire (the rate sent to this viewer). */
    public long bytesOnWire() {
        return bytesOnWire;
    }

    public long retransmissions() {
        return retransmissions;
    }

    void close() {
        srtp = null;
    }
}
