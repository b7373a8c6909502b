package carsight.streamer.ice;

import org.ice4j.Transport;
import org.ice4j.ice.Component;
import org.ice4j.ice.HostCandidate;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.harvest.CandidateHarvester;
import org.ice4j.ice.harvest.HarvestStatistics;
import org.ice4j.ice.harvest.HostCandidateHarvester;
import org.ice4j.socket.IceUdpSocketWrapper;
import org.ice4j.socket.MultiplexingDatagramSocket;
import org.ice4j.socket.TurnDatagramPacketFilter;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Host candidates whose sockets hand media to a {@link PayloadSink} on the thread that reads them.
 *
 * <p>ice4j reads each host socket on a thread of its own for STUN (its connector). With its own host harvester every
 * socket had, besides, a reader thread feeding the component's merged socket, and the session a thread reading that:
 * three threads per viewer, two of which only waited and passed datagrams on. Here the socket under ice4j's
 * multiplexing looks at each datagram's first byte (RFC 7983): STUN that ice4j's connector takes (the filter it reads
 * with: binding and TURN methods) and TURN channel data from our TURN servers go up to ice4j as before; everything
 * else (DTLS, SRTP, SRTCP, or junk for the session to count) goes to the sink at once, on ice4j's reading thread. One
 * thread per socket reads everything, and it does the session's receiving work. Nothing goes up that no reader of
 * ice4j's would take: it would be kept, unread, in the multiplexing socket's own queue.
 */
final class PayloadHostHarvester implements CandidateHarvester {

    private static final System.Logger LOG = System.getLogger(PayloadHostHarvester.class.getName());

    private final int minPort;
    private final int maxPort;
    private final PayloadSink sink;
    private final Set<SocketAddress> turnServers;
    private final HarvestStatistics statistics = new HarvestStatistics();

    /** {@code minPort} = {@code maxPort} = 0: any port. {@code turnServers}: where TURN channel data may come from. */
    PayloadHostHarvester(int minPort, int maxPort, Set<SocketAddress> turnServers, PayloadSink sink) {
        this.minPort = minPort;
        this.maxPort = maxPort;
        this.turnServers = Set.copyOf(turnServers);
        this.sink = sink;
    }

    @Override
    public Collection<LocalCandidate> harvest(Component component) {
        List<LocalCandidate> found = new ArrayList<>();
        for (InetAddress address : HostCandidateHarvester.getAllAllowedAddresses()) {
            PayloadSocket socket;
            try {
                socket = bind(address);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "ICE: no port for {0} in {1}-{2}: {3}", address.getHostAddress(),
                        minPort, maxPort, e.getMessage());
                continue;
            }
            try {
                HostCandidate candidate = new HostCandidate(
                        new IceUdpSocketWrapper(new MultiplexingDatagramSocket(socket)), component, Transport.UDP);
                if (!component.addLocalCandidate(candidate)) {
                    socket.close();
                    continue;
                }
                candidate.getStunStack().addSocket(candidate.getStunSocket(null));
                found.add(candidate);
            } catch (SocketException | RuntimeException e) {
                socket.close();
                LOG.log(System.Logger.Level.WARNING, "ICE: cannot use {0}: {1}", address.getHostAddress(), e.toString());
            }
        }
        return found;
    }

    private PayloadSocket bind(InetAddress address) throws IOException {
        if (minPort == 0 && maxPort == 0) {
            return new PayloadSocket(new InetSocketAddress(address, 0), turnServers, sink);
        }
        IOException last = null;
        for (int port = minPort; port <= maxPort; port++) {
            try {
                return new PayloadSocket(new InetSocketAddress(address, port), turnServers, sink);
            } catch (SocketException e) {
                last = e;
            }
        }
        throw new IOException("every port is taken", last);
    }

    @Override
    public HarvestStatistics getHarvestStatistics() {
        return statistics;
    }

    @Override
    public boolean isHostHarvester() {
        return true;
    }

    /** A UDP socket that passes on only what ice4j handles, and gives media to the sink as it reads it. */
    static final class PayloadSocket extends DatagramSocket {

        private final PayloadSink sink;
        private final Set<SocketAddress> turnServers;
        /** What ice4j's connector reads a host candidate's socket with. */
        private final TurnDatagramPacketFilter stun = new TurnDatagramPacketFilter(null);

        PayloadSocket(InetSocketAddress bindTo, Set<SocketAddress> turnServers, PayloadSink sink) throws SocketException {
            super(bindTo);
            this.turnServers = turnServers;
            this.sink = sink;
        }

        @Override
        public void receive(DatagramPacket packet) throws IOException {
            byte[] data = packet.getData();
            int offset = packet.getOffset();
            int room = data.length - offset;
            while (true) {
                packet.setData(data, offset, room);
                super.receive(packet);
                int length = packet.getLength();
                if (length == 0) {
                    continue;
                }
                int first = data[offset] & 0xFF;
                if ((first <= 3 && stun.accept(packet))
                        || (first >= 64 && first <= 79 && turnServers.contains(packet.getSocketAddress()))) {
                    return; // STUN, TURN channel data: ice4j's
                }
                try {
                    sink.payload(data, offset, length, packet.getSocketAddress()); // DTLS, SRTP, SRTCP or junk
                } catch (VirtualMachineError e) {
                    throw e;
                } catch (Throwable e) {
                    // the reading thread is ice4j's too: one bad datagram must not end its STUN for this socket
                    LOG.log(System.Logger.Level.WARNING, "a media datagram could not be handled", e);
                }
            }
        }
    }
}
