package carsight.streamer.session;

import carsight.streamer.camera.EncodedFrame;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.function.LongUnaryOperator;

/**
 * A plain RTP copy of the stream sent to one UDP address ({@code --rtp-forward}): for a media server beside the
 * streamer, such as the Janus streaming plugin the latency lab compares our path to the viewers with.
 *
 * <p>What the receiver may rely on: H.264 in RFC 6184 packetization-mode 1 (the viewers' packetizer), payload type
 * {@value #PAYLOAD_TYPE}, an SSRC of its own, 90 kHz timestamps from the same capture clock as the viewers', the marker
 * bit on the last packet of each picture, and the access units exactly as viewers get them — so the SPS/PPS the camera
 * puts before each IDR travel with it. No encryption, no RTCP, no retransmission: it is meant for loopback. It is
 * subscribed to the fan-out like a viewer, with its own queue and sender thread, so it never holds the camera up.
 */
public final class RtpForwarder implements AutoCloseable {

    public static final int PAYLOAD_TYPE = 96;

    private static final System.Logger LOG = System.getLogger(RtpForwarder.class.getName());

    private final FrameFanout fanout;
    private final LongUnaryOperator rtpClock;
    private final InetSocketAddress target;
    private final DatagramChannel channel;
    private final FrameQueue queue = new FrameQueue(30);
    private final PlainRtpStream stream = new PlainRtpStream(PAYLOAD_TYPE);
    private final Thread sender;
    private volatile boolean closed;
    private volatile long packetsSent;
    private String lastError;

    private RtpForwarder(FrameFanout fanout, LongUnaryOperator rtpClock, InetSocketAddress target) throws IOException {
        this.fanout = fanout;
        this.rtpClock = rtpClock;
        this.target = target;
        this.channel = DatagramChannel.open(); // not connected: an ICMP "port unreachable" must not fail later sends
        this.sender = new Thread(this::run, "rtp-forward");
        this.sender.setDaemon(true);
    }

    /**
     * Starts forwarding every frame from now on (beginning with the cached group of pictures, as a joining viewer).
     *
     * @param rtpClock capture time (µs since the epoch) → 90 kHz RTP timestamp
     */
    public static RtpForwarder start(FrameFanout fanout, LongUnaryOperator rtpClock, InetSocketAddress target)
            throws IOException {
        if (target.isUnresolved()) {
            throw new IOException("--rtp-forward: cannot resolve " + target.getHostString());
        }
        RtpForwarder forwarder = new RtpForwarder(fanout, rtpClock, target);
        forwarder.sender.start();
        fanout.subscribe(forwarder.queue);
        LOG.log(System.Logger.Level.INFO, "RTP forward: plain RTP copy of the stream (H.264, payload type {0}, "
                + "SSRC {1}) to udp://{2}:{3}", PAYLOAD_TYPE, Long.toUnsignedString(forwarder.stream.ssrc()),
                target.getAddress().getHostAddress(), String.valueOf(target.getPort()));
        return forwarder;
    }

    public long ssrc() {
        return stream.ssrc();
    }

    public long packetsSent() {
        return packetsSent;
    }

    private void run() {
        try {
            while (!closed) {
                FrameQueue.Queued queued = queue.take(200);
                if (queued != null) {
                    send(queued.frame());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void send(EncodedFrame frame) {
        for (byte[] packet : stream.packets(frame.accessUnit(), rtpClock.applyAsLong(frame.captureTimeMicros()))) {
            try {
                channel.send(ByteBuffer.wrap(packet), target);
                packetsSent++;
                lastError = null;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                if (!String.valueOf(e.getMessage()).equals(lastError)) { // once per kind of failure, not per packet
                    lastError = String.valueOf(e.getMessage());
                    LOG.log(System.Logger.Level.WARNING, "RTP forward to {0}: {1}", target, lastError);
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        fanout.unsubscribe(queue);
        sender.interrupt();
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "RTP forward: closing its socket: {0}", e.getMessage());
        }
    }
}
