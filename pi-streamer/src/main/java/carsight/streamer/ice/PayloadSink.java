package carsight.streamer.ice;

import java.net.SocketAddress;

/**
 * Where a session's media datagrams (DTLS, SRTP, SRTCP) go, on the thread that read them from the socket.
 * {@code data} is reused for the next datagram once this returns: keep a copy of anything kept. It runs while the
 * socket is being read, so it must not close that socket (or the ICE session) itself: hand that to another thread.
 */
@FunctionalInterface
public interface PayloadSink {

    void payload(byte[] data, int offset, int length, SocketAddress from);
}
