package carsight.streamer.session;

import org.bouncycastle.tls.DatagramTransport;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The DTLS view of a viewer's ICE path: DTLS records the session hands over as they are read (by
 * {@link DatagramDemux}) are queued here, and what DTLS sends goes straight out over the ICE path in use.
 */
final class IceDatagramTransport implements DatagramTransport {

    /** Keeps whole packets within a 1280-byte IPv6 minimum MTU after UDP/IP headers. */
    private static final int MTU = 1200;

    private final SendPath.Wire wire;
    private final BlockingQueue<byte[]> inbox = new ArrayBlockingQueue<>(64);
    private volatile boolean closed;

    IceDatagramTransport(SendPath.Wire wire) {
        this.wire = wire;
    }

    void deliver(byte[] buffer, int length) {
        byte[] copy = java.util.Arrays.copyOf(buffer, length);
        inbox.offer(copy); // a full inbox means a flood: dropping is what UDP would do
    }

    @Override
    public int getReceiveLimit() {
        return MTU;
    }

    @Override
    public int getSendLimit() {
        return MTU;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (closed) {
            throw new IOException("transport closed");
        }
        try {
            byte[] packet = inbox.poll(waitMillis, TimeUnit.MILLISECONDS);
            if (packet == null) {
                return -1;
            }
            int n = Math.min(len, packet.length);
            System.arraycopy(packet, 0, buf, off, n);
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for DTLS", e);
        }
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("transport closed");
        }
        wire.send(buf, off, len);
    }

    @Override
    public void close() {
        closed = true;
    }
}
