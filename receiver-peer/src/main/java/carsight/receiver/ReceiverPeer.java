package carsight.receiver;

import carsight.protocol.signal.SignalMessage;
import carsight.protocol.timecode.FrameTimecode;
import carsight.protocol.timecode.TimecodeWord;
import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelBuffer;
import dev.onvoid.webrtc.RTCDataChannelInit;
import dev.onvoid.webrtc.RTCDataChannelObserver;
import dev.onvoid.webrtc.RTCIceGatheringState;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceConnectionState;
import dev.onvoid.webrtc.RTCIceServer;
import dev.onvoid.webrtc.RTCIceTransportPolicy;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCRtpCodecCapability;
import dev.onvoid.webrtc.RTCRtpReceiver;
import dev.onvoid.webrtc.RTCRtpSynchronizationSource;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCRtpTransceiverDirection;
import dev.onvoid.webrtc.RTCRtpTransceiverInit;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.RTCStatsReport;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.onvoid.webrtc.media.MediaType;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import dev.onvoid.webrtc.media.video.CustomVideoSource;
import dev.onvoid.webrtc.media.video.I420Buffer;
import dev.onvoid.webrtc.media.video.VideoFrame;
import dev.onvoid.webrtc.media.video.VideoTrack;
import dev.onvoid.webrtc.media.video.VideoTrackSink;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * One libwebrtc receiver (webrtc-java) for a streamer's H.264 video: a peer connection with a receive-only video
 * transceiver limited to H.264 (and its retransmissions), offers and ICE restarts, the streamer's answer and
 * candidates, and the decoded frames handed to a sink. Set-up and the order of disposal live here and nowhere else.
 *
 * <p>libwebrtc calls back on its own threads; events are handed to {@code events} through the given executor (the
 * owner's single thread), never run inside a native callback. Decoded frames go straight to the sink on libwebrtc's
 * decoder thread, and the sink owns each frame (it must release it).
 */
public final class ReceiverPeer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ReceiverPeer.class.getName());
    private static final String JANUS_DATA_CHANNEL = "JanusDataChannel";
    private static final String PLAYOUT_DELAY_EXTMAP =
            "a=extmap:\\d+ http://www.webrtc.org/experiments/rtp-hdrext/playout-delay\r\n";

    /** What the peer reports, on the owner's executor. */
    public interface Events {
        void onCandidate(SignalMessage.Candidate candidate);

        void onIceState(RTCIceConnectionState state);

        default void onVideoTrack() {
        }

        /**
         * A text message on a data channel the other side opened (a relay's per-frame times), on the executor, with
         * when it arrived (µs since the epoch, taken on libwebrtc's thread).
         */
        default void onDataMessage(String text, long receivedMicros) {
        }

        /** A data channel opened or changed state ({@code label} and state); on the executor. */
        default void onDataChannel(String label) {
        }
    }

    /** How to set the peer up. */
    public record Options(List<SignalMessage.IceServerInfo> iceServers, boolean relayOnly, boolean stripPlayoutDelay,
                          boolean answering) {
        public Options(List<SignalMessage.IceServerInfo> iceServers, boolean relayOnly, boolean stripPlayoutDelay) {
            this(iceServers, relayOnly, stripPlayoutDelay, false);
        }

        public static Options defaults(List<SignalMessage.IceServerInfo> iceServers) {
            return new Options(iceServers, false, false, false);
        }

        /** For a peer that answers the other side's offer (a relay offers what it has: video and a data channel). */
        public static Options answering(List<SignalMessage.IceServerInfo> iceServers) {
            return new Options(iceServers, false, false, true);
        }
    }

    /**
     * libwebrtc's factory and the audio device it needs (a headless one: the viewer plays no sound). One per process
     * or per console; peers come and go under it.
     */
    public static final class Engine implements AutoCloseable {
        private final HeadlessAudioDeviceModule audio = new HeadlessAudioDeviceModule();
        private final PeerConnectionFactory factory = new PeerConnectionFactory(audio);

        @Override
        public void close() {
            factory.dispose();
            audio.dispose();
        }
    }

    private final Engine engine;
    private final Executor executor;
    private final Events events;
    private final Options options;
    private final VideoTrackSink sink;
    private final RTCPeerConnection pc;
    private final CustomVideoSource placeholderSource;
    private final VideoTrack placeholder;
    private final CompletableFuture<Void> gathered = new CompletableFuture<>();
    private final List<RTCDataChannel> dataChannels = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile VideoTrack remote;
    private volatile RTCRtpReceiver receiver;
    private volatile boolean closed;

    /**
     * @param sink receives every decoded frame; held strongly here (libwebrtc keeps only a weak reference to it)
     */
    public ReceiverPeer(Engine engine, Options options, Executor executor, Events events, VideoTrackSink sink) {
        this.engine = engine;
        this.executor = executor;
        this.events = events;
        this.options = options;
        this.sink = sink;
        RTCConfiguration config = new RTCConfiguration();
        for (SignalMessage.IceServerInfo info : options.iceServers()) {
            RTCIceServer server = new RTCIceServer();
            server.urls = List.of(info.urls());
            server.username = info.username() == null ? "" : info.username();
            server.password = info.credential() == null ? "" : info.credential();
            config.iceServers.add(server);
        }
        if (options.relayOnly()) {
            config.iceTransportPolicy = RTCIceTransportPolicy.RELAY;
        }
        pc = engine.factory.createPeerConnection(config, new PeerConnectionObserver() {
            @Override
            public void onIceCandidate(RTCIceCandidate candidate) {
                events.onCandidate(new SignalMessage.Candidate(candidate.sdp, candidate.sdpMid, candidate.sdpMLineIndex));
            }

            @Override
            public void onIceConnectionChange(RTCIceConnectionState state) {
                executor.execute(() -> events.onIceState(state));
            }

            @Override
            public void onTrack(RTCRtpTransceiver transceiver) {
                executor.execute(() -> attach(transceiver));
            }

            @Override
            public void onIceGatheringChange(RTCIceGatheringState state) {
                if (state == RTCIceGatheringState.COMPLETE) {
                    gathered.complete(null);
                }
            }

            @Override
            public void onDataChannel(RTCDataChannel channel) {
                channel.registerObserver(dataObserver(channel));
                dataChannels.add(channel);
                String label = channel.getLabel();
                executor.execute(() -> events.onDataChannel(label));
            }
        });
        if (options.answering()) {
            placeholderSource = null;
            placeholder = null;
            return; // the offer says what comes; the transceivers are made when it is applied
        }
        // libwebrtc needs a track to add a transceiver with; it never sends (receive only)
        placeholderSource = new CustomVideoSource();
        placeholder = engine.factory.createVideoTrack("carsight-recv", placeholderSource);
        RTCRtpTransceiverInit init = new RTCRtpTransceiverInit();
        init.direction = RTCRtpTransceiverDirection.RECV_ONLY;
        RTCRtpTransceiver transceiver = pc.addTransceiver(placeholder, init);
        List<RTCRtpCodecCapability> h264 = new ArrayList<>();
        for (RTCRtpCodecCapability c : engine.factory.getRtpReceiverCapabilities(MediaType.VIDEO).getCodecs()) {
            if (c.getName().equalsIgnoreCase("H264") || c.getName().equalsIgnoreCase("rtx")) {
                h264.add(c);
            }
        }
        transceiver.setCodecPreferences(h264); // the camera sends H.264 only: offer nothing else
    }

    private void attach(RTCRtpTransceiver transceiver) {
        if (!closed && transceiver.getReceiver().getTrack() instanceof VideoTrack video) {
            remote = video;
            receiver = transceiver.getReceiver();
            video.addSink(sink);
            events.onVideoTrack();
        }
    }

    /**
     * Makes an offer and sets it as the local description; with {@code iceRestart} new ICE credentials on the same
     * connection, the rest unchanged. Completes with the SDP to send.
     */
    public CompletableFuture<String> offer(boolean iceRestart) {
        CompletableFuture<String> result = new CompletableFuture<>();
        RTCOfferOptions offerOptions = new RTCOfferOptions();
        offerOptions.iceRestart = iceRestart;
        pc.createOffer(offerOptions, new CreateSessionDescriptionObserver() {
            @Override
            public void onSuccess(RTCSessionDescription offer) {
                executor.execute(() -> pc.setLocalDescription(offer, observer(result, () -> options.stripPlayoutDelay()
                        ? offer.sdp.replaceAll(PLAYOUT_DELAY_EXTMAP, "") : offer.sdp, "local description refused")));
            }

            @Override
            public void onFailure(String error) {
                result.completeExceptionally(new IllegalStateException("cannot create an offer: " + error));
            }
        });
        return result;
    }

    private RTCDataChannelObserver dataObserver(RTCDataChannel channel) {
        return new RTCDataChannelObserver() {
            @Override
            public void onBufferedAmountChange(long previousAmount) {
            }

            @Override
            public void onStateChange() {
                String state = channel.getLabel() + " " + channel.getState().name().toLowerCase(java.util.Locale.ROOT);
                executor.execute(() -> events.onDataChannel(state));
            }

            @Override
            public void onMessage(RTCDataChannelBuffer buffer) {
                if (!closed) {
                    long receivedMicros = carsight.protocol.clock.WallClock.nowMicros();
                    byte[] bytes = new byte[buffer.data.remaining()];
                    buffer.data.get(bytes);
                    String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
                    executor.execute(() -> events.onDataMessage(text, receivedMicros));
                }
            }
        };
    }

    /**
     * Answers the other side's offer (a relay's): applies it, answers receive-only, waits for candidate gathering to
     * end (up to 5 s) and completes with the answer, candidates included, as nothing is trickled back.
     */
    public CompletableFuture<String> answer(String offerSdp) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the peer is closed"));
        }
        CompletableFuture<Void> remoteSet = new CompletableFuture<>();
        pc.setRemoteDescription(new RTCSessionDescription(RTCSdpType.OFFER, offerSdp),
                observer(remoteSet, () -> null, "the relay's offer was refused"));
        return remoteSet.thenCompose(ignored -> {
            if (closed) { // closed while the offer was applied: nothing more on this connection
                throw new IllegalStateException("the peer is closed");
            }
            if (offerSdp.contains("\nm=application ")) {
                // Janus sends on a channel the viewer opens (as janus.js does), named as janus.js names it
                RTCDataChannel channel = pc.createDataChannel(JANUS_DATA_CHANNEL, new RTCDataChannelInit());
                channel.registerObserver(dataObserver(channel));
                dataChannels.add(channel);
            }
            CompletableFuture<Void> localSet = new CompletableFuture<>();
            pc.createAnswer(new RTCAnswerOptions(), new CreateSessionDescriptionObserver() {
                @Override
                public void onSuccess(RTCSessionDescription answer) {
                    pc.setLocalDescription(answer, observer(localSet, () -> null, "local answer refused"));
                }

                @Override
                public void onFailure(String error) {
                    localSet.completeExceptionally(new IllegalStateException("cannot answer: " + error));
                }
            });
            return localSet;
        }).thenCompose(ignored -> gathered.completeOnTimeout(null, 5, java.util.concurrent.TimeUnit.SECONDS))
                .thenApply(ignored -> {
                    if (closed) {
                        throw new IllegalStateException("the peer is closed");
                    }
                    return pc.getLocalDescription().sdp;
                });
    }

    /** Applies the streamer's answer. */
    public CompletableFuture<Void> accept(String answerSdp) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        pc.setRemoteDescription(new RTCSessionDescription(RTCSdpType.ANSWER, answerSdp),
                observer(result, () -> null, "the streamer's answer was refused"));
        return result;
    }

    private <T> SetSessionDescriptionObserver observer(CompletableFuture<T> result, java.util.function.Supplier<T> value,
                                                       String failure) {
        return new SetSessionDescriptionObserver() {
            @Override
            public void onSuccess() {
                result.complete(value.get());
            }

            @Override
            public void onFailure(String error) {
                result.completeExceptionally(new IllegalStateException(failure + ": " + error));
            }
        };
    }

    /** A candidate of the streamer's; an empty one (end of candidates) is ignored. */
    public void addCandidate(SignalMessage.Candidate c) {
        if (!c.candidate().isEmpty() && !closed) {
            pc.addIceCandidate(new RTCIceCandidate(c.sdpMid() == null ? "0" : c.sdpMid(),
                    c.sdpMLineIndex() == null ? 0 : c.sdpMLineIndex(), c.candidate()));
        }
    }

    /** The video's synchronization sources (RTP timestamp and arrival of the newest frame), or none yet. */
    public RTCRtpSynchronizationSource[] syncSources() {
        RTCRtpReceiver r = receiver;
        return r == null || closed ? new RTCRtpSynchronizationSource[0] : r.getSynchronizationSources().toArray(
                new RTCRtpSynchronizationSource[0]);
    }

    /** libwebrtc's statistics, handed to {@code consumer} on the owner's executor. */
    public void stats(Consumer<InboundVideo> consumer) {
        if (closed) {
            return;
        }
        pc.getStats(report -> executor.execute(() -> consumer.accept(InboundVideo.of(report))));
    }

    /** The raw report, on libwebrtc's thread (for a one-off read). */
    public CompletableFuture<RTCStatsReport> report() {
        CompletableFuture<RTCStatsReport> result = new CompletableFuture<>();
        pc.getStats(result::complete);
        return result;
    }

    /**
     * Takes the peer down in the one order libwebrtc accepts: the sink off the track first (no frame arrives into a
     * closed owner), then the connection, then the placeholder track and its source. Each step on its own, so one that
     * fails cannot leave the rest undone. The engine stays.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        quietly("remove sink", () -> {
            VideoTrack r = remote;
            if (r != null) {
                r.removeSink(sink);
            }
        });
        for (RTCDataChannel channel : dataChannels) {
            quietly("unregister data channel", channel::unregisterObserver);
        }
        quietly("close peer connection", pc::close);
        for (RTCDataChannel channel : dataChannels) {
            quietly("dispose data channel", channel::dispose);
        }
        if (placeholder != null) {
            quietly("dispose placeholder track", placeholder::dispose);
            quietly("dispose placeholder source", placeholderSource::dispose);
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void quietly(String what, Step step) {
        try {
            step.run();
        } catch (Exception | Error e) {
            LOG.log(System.Logger.Level.DEBUG, "teardown: {0} failed: {1}", what, e.toString());
        }
    }

    /** The test pattern's timecode read from a decoded frame's luma plane, if it carries one. */
    public static Optional<TimecodeWord.Timecode> timecodeOf(VideoFrame frame) {
        I420Buffer i420 = frame.buffer.toI420(); // the sink's buffers are already I420: the same buffer, owned by the frame
        if (i420.getWidth() < FrameTimecode.CELLS) {
            return Optional.empty();
        }
        ByteBuffer y = i420.getDataY();
        int stride = i420.getStrideY();
        return FrameTimecode.read((x, yy) -> y.get(yy * stride + x) & 0xFF, i420.getWidth());
    }
}
