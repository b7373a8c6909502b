package carsight.streamer.ice;

import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.Agent;
import org.ice4j.ice.CandidatePair;
import org.ice4j.ice.CandidatePairState;
import org.ice4j.ice.CandidateType;
import org.ice4j.ice.Component;
import org.ice4j.ice.IceMediaStream;
import org.ice4j.ice.IceProcessingState;
import org.ice4j.ice.KeepAliveStrategy;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.RemoteCandidate;
import org.ice4j.ice.harvest.StunCandidateHarvester;
import org.ice4j.ice.harvest.TurnCandidateHarvester;
import org.ice4j.security.LongTermCredential;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One viewer's ICE agent (RFC 8445), in the controlled role, on ice4j: one component (rtcp-mux, BUNDLE), host
 * candidates on every non-loopback address, server-reflexive and relay candidates from the configured STUN/TURN
 * servers, consent freshness (RFC 7675) once connected.
 *
 * <p>ice4j answers STUN itself; what is left — DTLS, SRTP, SRTCP — goes to the {@link PayloadSink} given with
 * {@link #receiveWith}, on the thread that read it from the socket (see {@link PayloadHostHarvester}: no thread of the
 * session's only waits), and only from remote addresses the agent has a candidate pair for: candidates the viewer gave
 * over signaling and addresses that sent it an authenticated check. {@link #send} goes out over the selected pair.
 * Construction gathers candidates and blocks meanwhile (up to the STUN/TURN timeouts): call it off I/O threads.
 */
public final class IceSession implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(IceSession.class.getName());
    /**
     * Consent (RFC 7675) is given up after 8 s without an answer — the RFC's 30 s is the most a sender may go on. A
     * viewer silent for 8 s is in a tunnel or gone; it comes back as a new session (viewers reconnect after 4 s
     * without video), and the car's uplink is not spent sending into the dark meanwhile. Checks go out every
     * second, so a lossy link has to lose eight in a row.
     */
    private static final long CONSENT_TIMEOUT_MILLIS = 8_000;

    static {
        // Before any ice4j class reads its configuration: never ask a cloud metadata service or a public STUN
        // server for mappings, and keep link-local addresses out of our candidates.
        System.setProperty("ice4j.harvest.mapping.aws.enabled", "false");
        System.setProperty("ice4j.harvest.mapping.aws.force", "false");
        System.setProperty("ice4j.harvest.use-link-local-addresses", "false");
        System.setProperty("ice4j.consent-freshness.interval", System.getProperty(
                "carsight.ice.consent-interval", "1 seconds"));
        Ice4jPools.trim();
    }

    private final Agent agent;
    private final IceMediaStream stream;
    private final Component component;
    private final List<Consumer<IceState>> listeners = new CopyOnWriteArrayList<>();
    /**
     * One thread for every session's consent check (a look once a second each): a thread per viewer would only wait.
     */
    private static final ScheduledExecutorService CONSENT_WATCH = consentWatch();
    private final ScheduledFuture<?> consentCheck;
    private volatile IceState state = IceState.NEW;
    private volatile PayloadSink sink = (data, offset, length, from) -> { };
    /** Remote addresses media is taken from (copy on write: read for every datagram). */
    private volatile Set<SocketAddress> checkedAddresses = Set.of();
    /** Relayed candidates whose socket a thread reads (one per candidate a nominated pair used). */
    private final Set<LocalCandidate> relaysRead = new HashSet<>();
    private volatile boolean started;
    private volatile long connectedAtMillis;

    public IceSession(IceConfig config) throws IOException {
        agent = new Agent();
        agent.setControlling(false);
        agent.setPerformConsentFreshness(true);
        agent.setUseDynamicPorts(false); // host candidates come from the harvester below, not ice4j's own
        List<IceServer> servers = config.resolved(System.currentTimeMillis() / 1000);
        Set<SocketAddress> turnServers = new HashSet<>();
        for (IceServer server : servers) {
            TransportAddress address = new TransportAddress(server.host(), server.port(), Transport.UDP);
            if (server.isTurn()) {
                turnServers.add(address);
            }
        }
        agent.addCandidateHarvester(new PayloadHostHarvester(config.minPort(), config.maxPort(), turnServers,
                this::onPayload));
        for (IceServer server : servers) {
            TransportAddress address = new TransportAddress(server.host(), server.port(), Transport.UDP);
            if (server.isTurn()) {
                agent.addCandidateHarvester(new TurnCandidateHarvester(address,
                        new LongTermCredential(server.username(), server.credential())));
            } else {
                agent.addCandidateHarvester(new StunCandidateHarvester(address));
            }
        }
        stream = agent.createMediaStream("video");
        int preferred = config.minPort();
        stream.addPairChangeListener(event -> {
            if (event.getSource() instanceof CandidatePair pair) {
                onPairChange(pair, event.getPropertyName(), event.getNewValue());
            }
        });
        // no merged component socket: it would read every host socket on a thread of its own
        component = agent.createComponent(stream, preferred, config.minPort(), config.maxPort(),
                KeepAliveStrategy.SELECTED_ONLY, false);
        agent.addStateChangeListener(event -> {
            if (Agent.PROPERTY_ICE_PROCESSING_STATE.equals(event.getPropertyName())) {
                onAgentState((IceProcessingState) event.getNewValue());
            }
        });
        consentCheck = CONSENT_WATCH.scheduleWithFixedDelay(this::checkConsentSafely, 1, 1, TimeUnit.SECONDS);
        if (localCandidates().isEmpty()) {
            close();
            throw new IOException("ICE: no usable network address to offer (only loopback?) — is the network up?");
        }
    }

    public String localUfrag() {
        return agent.getLocalUfrag();
    }

    public String localPassword() {
        return agent.getLocalPassword();
    }

    /** Local candidates as SDP {@code candidate:} attribute values. */
    public List<String> localCandidates() {
        List<String> out = new ArrayList<>();
        for (LocalCandidate c : component.getLocalCandidates()) {
            if (c.getTransport() != Transport.UDP) {
                continue;
            }
            TransportAddress a = c.getTransportAddress();
            StringBuilder line = new StringBuilder("candidate:").append(c.getFoundation()).append(' ')
                    .append(component.getComponentID()).append(" udp ").append(c.getPriority()).append(' ')
                    .append(a.getHostAddress()).append(' ').append(a.getPort()).append(" typ ")
                    .append(typeName(c.getType()));
            TransportAddress related = c.getRelatedAddress();
            if (related != null && c.getType() != CandidateType.HOST_CANDIDATE) {
                line.append(" raddr ").append(related.getHostAddress()).append(" rport ").append(related.getPort());
            }
            out.add(line.toString());
        }
        return out;
    }

    public void setRemoteCredentials(String ufrag, String password) {
        stream.setRemoteUfrag(ufrag);
        stream.setRemotePassword(password);
    }

    /**
     * Adds a remote candidate from its SDP form ({@code candidate:…}, with or without the {@code a=}). TCP and mDNS
     * ({@code .local}) candidates are skipped: we cannot use them. Returns false when skipped.
     *
     * @throws IllegalArgumentException when the text is not a candidate
     */
    public boolean addRemoteCandidate(String sdpCandidate) {
        CandidateLine line = CandidateLine.parse(sdpCandidate);
        if (!line.transport().equals("udp")) {
            return false;
        }
        if (line.address().endsWith(".local")) {
            LOG.log(System.Logger.Level.DEBUG, "ICE: skipping mDNS candidate {0}", line.address());
            return false;
        }
        if (line.component() != 1) {
            return false;
        }
        if (state == IceState.CONNECTED || component.getSelectedPair() != null) {
            // Late trickle: the pair in use was found already (often through this very address as peer-reflexive).
            // Adding it now would make ice4j rebuild its check list and stop answering checks on the pair in use.
            LOG.log(System.Logger.Level.DEBUG, "ICE: connected already, ignoring late candidate {0}:{1}",
                    line.address(), line.port());
            return false;
        }
        RemoteCandidate candidate = new RemoteCandidate(new TransportAddress(line.address(), line.port(), Transport.UDP),
                component, candidateType(line.type()), line.foundation(), line.priority(), null);
        if (started) {
            component.addUpdateRemoteCandidates(candidate);
            component.updateRemoteCandidates();
        } else {
            component.addRemoteCandidate(candidate);
        }
        return true;
    }

    /** Starts connectivity checks; remote candidates may keep arriving afterwards (trickle). */
    public synchronized void start() {
        if (started) {
            return;
        }
        if (stream.getRemoteUfrag() == null) {
            throw new IllegalStateException("ICE: remote credentials are needed before checks can start");
        }
        started = true;
        setState(IceState.CHECKING);
        agent.startConnectivityEstablishment();
    }

    public void addStateListener(Consumer<IceState> listener) {
        listeners.add(listener);
    }

    public IceState state() {
        return state;
    }

    /** The pair in use, e.g. {@code host 198.51.100.1:50000 → srflx 203.0.113.7:61000}, or "none". */
    public String selectedPair() {
        CandidatePair pair = component.getSelectedPair();
        if (pair == null) {
            return "none";
        }
        return typeName(pair.getLocalCandidate().getType()) + " " + pair.getLocalCandidate().getTransportAddress()
                .toString().replace("/udp", "") + " → " + typeName(pair.getRemoteCandidate().getType()) + " "
                + pair.getRemoteCandidate().getTransportAddress().toString().replace("/udp", "");
    }

    /** host, srflx, prflx or relay: the kind of the local end of the selected pair (relay wins if either is). */
    public String selectedCandidateType() {
        CandidatePair pair = component.getSelectedPair();
        if (pair == null) {
            return "none";
        }
        if (pair.getLocalCandidate().getType() == CandidateType.RELAYED_CANDIDATE
                || pair.getRemoteCandidate().getType() == CandidateType.RELAYED_CANDIDATE) {
            return "relay";
        }
        return typeName(pair.getLocalCandidate().getType());
    }

    public void send(byte[] buffer, int offset, int length) throws IOException {
        if (state == IceState.CLOSED) {
            throw new IOException("ICE session closed");
        }
        component.send(buffer, offset, length);
    }

    /**
     * Where media from the viewer goes from now on: DTLS, SRTP and SRTCP, and anything else that is not STUN (for
     * the sink to count as junk). Called on the thread that read the datagram; the buffer is reused after it returns.
     */
    public void receiveWith(PayloadSink sink) {
        this.sink = sink;
    }

    private void onPayload(byte[] data, int offset, int length, SocketAddress from) {
        if (state == IceState.CLOSED) {
            return;
        }
        if (checkedAddresses.contains(from)) {
            sink.payload(data, offset, length, from);
        }
    }

    private void onPairChange(CandidatePair pair, String property, Object value) {
        // every pair is for a candidate the viewer signalled or for an address that sent an authenticated check; a
        // peer-reflexive one is WAITING for its triggered check when its DTLS may already arrive
        if (IceMediaStream.PROPERTY_PAIR_STATE_CHANGED.equals(property) && value != CandidatePairState.FAILED) {
            SocketAddress remote = pair.getRemoteCandidate().getTransportAddress();
            synchronized (relaysRead) { // not this session's lock: ice4j may hold its own while it tells us
                if (!checkedAddresses.contains(remote)) {
                    Set<SocketAddress> more = new HashSet<>(checkedAddresses);
                    more.add(remote);
                    checkedAddresses = Set.copyOf(more);
                }
            }
        } else if (IceMediaStream.PROPERTY_PAIR_NOMINATED.equals(property)) {
            LocalCandidate local = pair.getLocalCandidate().getBase() != null ? pair.getLocalCandidate().getBase()
                    : pair.getLocalCandidate();
            if (local instanceof org.ice4j.ice.RelayedCandidate) {
                readRelay(local, pair.getRemoteCandidate().getTransportAddress());
            }
        }
    }

    /**
     * Media through our TURN relay arrives on the relayed candidate's socket, which ice4j fills from the TURN server's
     * messages: a thread reads it while that pair is in use (host paths need none).
     */
    private void readRelay(LocalCandidate relayed, TransportAddress remote) {
        synchronized (relaysRead) {
            if (state == IceState.CLOSED || !relaysRead.add(relayed)) {
                return;
            }
        }
        org.ice4j.socket.IceSocketWrapper socket = ((org.ice4j.ice.RelayedCandidate) relayed).getCandidateIceSocketWrapper();
        Thread reader = new Thread(() -> {
            DatagramPacket packet = new DatagramPacket(new byte[1500], 1500);
            while (state != IceState.CLOSED) {
                try {
                    packet.setLength(1500);
                    socket.receive(packet);
                    onPayload(packet.getData(), packet.getOffset(), packet.getLength(), packet.getSocketAddress());
                } catch (IOException e) {
                    if (state != IceState.CLOSED) {
                        LOG.log(System.Logger.Level.INFO, "ICE: the relayed path stopped: {0}", e.getMessage());
                    }
                    return;
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "a media datagram could not be handled", e);
                }
            }
        }, "ice-relay-" + agent.getLocalUfrag());
        reader.setDaemon(true);
        reader.start();
    }

    private void onAgentState(IceProcessingState processing) {
        if (processing == IceProcessingState.COMPLETED || processing == IceProcessingState.TERMINATED) {
            if (component.getSelectedPair() != null && state == IceState.CHECKING) {
                connectedAtMillis = System.currentTimeMillis();
                setState(IceState.CONNECTED);
            }
        } else if (processing == IceProcessingState.FAILED) {
            setState(IceState.FAILED);
        }
    }

    private static ScheduledExecutorService consentWatch() {
        ScheduledThreadPoolExecutor watch = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "ice-consent");
            t.setDaemon(true);
            return t;
        });
        watch.setRemoveOnCancelPolicy(true);
        return watch;
    }

    /** A check that fails must not end the shared schedule for every other session. */
    private void checkConsentSafely() {
        try {
            checkConsent();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "ICE consent check failed", e);
        }
    }

    private void checkConsent() {
        if (state != IceState.CONNECTED) {
            return;
        }
        CandidatePair pair = component.getSelectedPair();
        if (pair == null) {
            return;
        }
        long last = Math.max(pair.getConsentFreshness(), connectedAtMillis);
        long silent = System.currentTimeMillis() - last;
        if (silent > consentTimeoutMillis()) {
            LOG.log(System.Logger.Level.INFO, "ICE: consent lost — no answer from the viewer for {0} s", silent / 1000);
            setState(IceState.FAILED);
        }
    }

    private static long consentTimeoutMillis() {
        return Long.getLong("carsight.ice.consent-timeout-ms", CONSENT_TIMEOUT_MILLIS);
    }

    private synchronized void setState(IceState next) {
        if (state == next || state == IceState.CLOSED || (state == IceState.FAILED && next != IceState.CLOSED)) {
            return;
        }
        state = next;
        for (Consumer<IceState> listener : listeners) {
            try {
                listener.accept(next);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "ICE state listener failed", e);
            }
        }
    }

    @Override
    public void close() {
        consentCheck.cancel(false);
        setState(IceState.CLOSED);
        agent.free();
    }

    static String typeName(CandidateType type) {
        return switch (type) {
            case HOST_CANDIDATE -> "host";
            case SERVER_REFLEXIVE_CANDIDATE -> "srflx";
            case PEER_REFLEXIVE_CANDIDATE -> "prflx";
            case RELAYED_CANDIDATE -> "relay";
            default -> type.toString().toLowerCase(Locale.ROOT);
        };
    }

    static CandidateType candidateType(String name) {
        return switch (name) {
            case "host" -> CandidateType.HOST_CANDIDATE;
            case "srflx" -> CandidateType.SERVER_REFLEXIVE_CANDIDATE;
            case "prflx" -> CandidateType.PEER_REFLEXIVE_CANDIDATE;
            case "relay" -> CandidateType.RELAYED_CANDIDATE;
            default -> throw new IllegalArgumentException("unknown ICE candidate type '" + name + "'");
        };
    }
}
