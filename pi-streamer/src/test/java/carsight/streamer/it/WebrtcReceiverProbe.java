package carsight.streamer.it;

import carsight.protocol.clock.WallClock;
import carsight.protocol.signal.SignalCodec;
import carsight.protocol.signal.SignalMessage;
import carsight.protocol.timecode.FrameTimecode;
import carsight.protocol.timecode.TimecodeWord;
import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
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
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCRtpTransceiverDirection;
import dev.onvoid.webrtc.RTCRtpTransceiverInit;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.RTCStats;
import dev.onvoid.webrtc.RTCStatsType;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.onvoid.webrtc.media.MediaType;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import dev.onvoid.webrtc.media.video.CustomVideoSource;
import dev.onvoid.webrtc.media.video.I420Buffer;
import dev.onvoid.webrtc.media.video.VideoFrame;
import dev.onvoid.webrtc.media.video.VideoTrack;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import org.glassfish.tyrus.client.ClientManager;

import java.io.PrintStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real libwebrtc receiver (webrtc-java) run as its own JVM inside a test namespace: it connects to a streamer over
 * {@code /signal}, offers recvonly H.264, counts decoded frames, reads the frame timecode from the decoded luma and
 * writes a JSON summary. Integration tests start it with {@code ip netns exec}.
 *
 * <p>It watches for {@code SECONDS} from its first rendered frame (a cold machine's slow start does not shorten the
 * run) and fails loudly: no {@code hello}, no answer, an {@code error} from the streamer or no video at all end it with a
 * non-zero exit and a {@code failure} field naming what was missing. When the first frame is rendered it prints
 * {@value #FIRST_FRAME} to stdout, for tests that act once video flows; a file {@code OUTPUT.json.stop} ends the run
 * early.
 *
 * <p>Arguments: {@code URL TOKEN SECONDS OUTPUT.json [relay-only turn:URL user pass | relay-only from-streamer]}.
 */
public final class WebrtcReceiverProbe {

    /** Printed once, when the first frame has been rendered. */
    public static final String FIRST_FRAME = "probe: first frame rendered";
    static final int HELLO_SECONDS = 15;
    static final int ANSWER_SECONDS = 30;
    static final int FIRST_FRAME_SECONDS = 30;

    /** The run cannot go on; {@code main} writes the summary with the reason and exits non-zero. */
    static final class ProbeFailure extends Exception {
        ProbeFailure(String message) {
            super(message);
        }
    }

    private final AtomicLong framesRendered = new AtomicLong();
    private final AtomicLong framesAnnounced = new AtomicLong();
    private final List<Double> sendDelayMicros = Collections.synchronizedList(new ArrayList<>());
    /** The last 3600 frames with a timecode: [when rendered (Unix ms), truth latency ms]. */
    private final java.util.ArrayDeque<double[]> truthSeries = new java.util.ArrayDeque<>();
    /** The last 600 {@code frame} messages' capture and send times (µs since the epoch). */
    private final java.util.ArrayDeque<long[]> frameTimes = new java.util.ArrayDeque<>();
    private final AtomicLong announcedAfterFirstFrame = new AtomicLong();
    private final AtomicLong framesWithTimecode = new AtomicLong();
    private final List<Double> truthLatencyMs = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong firstFrameNanos = new AtomicLong();
    private final List<SignalMessage.IceServerInfo> iceServers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final CountDownLatch hello = new CountDownLatch(1);
    private final CountDownLatch firstFrame = new CountDownLatch(1);
    private final CompletableFuture<String> streamerError = new CompletableFuture<>();
    private final AtomicLong lastFrameNanos = new AtomicLong();
    private final AtomicLong longestGapNanos = new AtomicLong();
    private volatile int width;
    private volatile int height;
    private volatile String iceState = "new";
    private volatile String remoteDescriptionFailure;
    private volatile String signalClosed;
    private final List<SignalMessage.Candidate> candidatesBeforeOffer = new ArrayList<>();
    private Session offerSentOn;
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final SignalCodec codec = new SignalCodec();
    /** Held strongly: libwebrtc keeps only a weak reference to the Java sink. */
    private final dev.onvoid.webrtc.media.video.VideoTrackSink sink = this::onFrame;
    private volatile VideoTrack remoteTrack;

    public static void main(String[] args) throws Exception {
        int code = 1;
        WebrtcReceiverProbe probe = new WebrtcReceiverProbe();
        try {
            code = probe.run(args);
        } catch (ProbeFailure f) {
            System.out.println("probe failed: " + f.getMessage());
            probe.writeFailure(Path.of(args[3]), f.getMessage());
            code = 2;
        } catch (Throwable t) {
            t.printStackTrace();
            probe.writeFailure(Path.of(args[3]), t.toString());
        }
        System.out.flush();
        Runtime.getRuntime().halt(code); // libwebrtc's native threads are not daemon threads
    }

    /** A candidate goes out only after the offer it belongs to (the streamer refuses one that comes before). */
    private void sendAfterOffer(SignalMessage.Candidate candidate) {
        synchronized (candidatesBeforeOffer) {
            if (offerSentOn == null) {
                candidatesBeforeOffer.add(candidate);
            } else {
                send(offerSentOn, candidate);
            }
        }
    }

    private void writeFailure(Path out, String why) {
        try {
            Files.writeString(out, "{\"failure\":\"" + why.replace("\\", "/").replace("\"", "'") + "\",\"iceState\":\""
                    + iceState + "\",\"framesRendered\":" + framesRendered.get() + ",\"log\":" + logJson() + "}");
        } catch (Exception e) {
            e.printStackTrace();
        }
    }

    private String logJson() {
        StringBuilder json = new StringBuilder("[");
        synchronized (log) {
            for (int i = 0; i < log.size(); i++) {
                json.append(i == 0 ? "" : ",").append('"').append(log.get(i).replace("\\", "/").replace("\"", "'")).append('"');
            }
        }
        return json.append(']').toString();
    }

    /** Waits for {@code latch}; a streamer's {@code error} or the time running out ends the run with {@code what}. */
    private void await(CountDownLatch latch, int seconds, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!latch.await(100, TimeUnit.MILLISECONDS)) {
            if (streamerError.isDone()) {
                throw new ProbeFailure("the streamer said " + streamerError.get() + " (while waiting for " + what + ")");
            }
            if (signalClosed != null) {
                throw new ProbeFailure("the signaling socket closed (" + signalClosed + ") while waiting for " + what);
            }
            if (System.nanoTime() > deadline) {
                throw new ProbeFailure("no " + what + " within " + seconds + " s (ICE " + iceState + ")");
            }
        }
    }

    private int run(String[] args) throws Exception {
        URI base = URI.create(args[0]);
        String token = args[1];
        int seconds = Integer.parseInt(args[2]);
        Path out = Path.of(args[3]);
        boolean relayOnly = args.length > 4 && args[4].equals("relay-only");

        HeadlessAudioDeviceModule audio = new HeadlessAudioDeviceModule();
        PeerConnectionFactory factory = new PeerConnectionFactory(audio);
        RTCConfiguration config = new RTCConfiguration();
        boolean serversFromStreamer = relayOnly && args[5].equals("from-streamer");
        if (relayOnly && !serversFromStreamer) {
            RTCIceServer turn = new RTCIceServer();
            turn.urls = List.of(args[5]);
            turn.username = args[6];
            turn.password = args[7];
            config.iceServers = List.of(turn);
        }
        if (relayOnly) {
            config.iceTransportPolicy = RTCIceTransportPolicy.RELAY;
        }

        CompletableFuture<Session> socket = new CompletableFuture<>();
        CountDownLatch gotAnswer = new CountDownLatch(1);
        RTCPeerConnection[] pcRef = new RTCPeerConnection[1];

        PeerConnectionObserver observer = new PeerConnectionObserver() {
            @Override
            public void onIceCandidate(RTCIceCandidate candidate) {
                sendAfterOffer(new SignalMessage.Candidate(candidate.sdp, candidate.sdpMid, candidate.sdpMLineIndex));
            }

            @Override
            public void onIceConnectionChange(RTCIceConnectionState state) {
                iceState = state.name().toLowerCase();
                note("ice " + iceState);
            }

            @Override
            public void onTrack(RTCRtpTransceiver transceiver) {
                if (transceiver.getReceiver().getTrack() instanceof VideoTrack video) {
                    remoteTrack = video;
                    new Thread(() -> video.addSink(sink), "add-sink").start(); // not from inside the native callback
                    note("video track");
                }
            }
        };
        URI signal = URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/signal?token=" + token);
        ClientManager client = ClientManager.createClient();
        long connectStart = System.nanoTime();
        client.connectToServer(new Endpoint() {
            @Override
            public void onOpen(Session session, EndpointConfig cfg) {
                session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> onSignal(text, pcRef, gotAnswer));
                socket.complete(session);
                // the token also in a first hello (the protocol's other way): the probe says nothing else before the
                // streamer's hello, and a socket that shows no token is closed after 10 s
                send(session, SignalMessage.Hello.viewer(token, "probe"));
            }

            @Override
            public void onClose(Session session, CloseReason reason) {
                note("signal closed " + reason);
                signalClosed = String.valueOf(reason);
            }
        }, ClientEndpointConfig.Builder.create().build(), signal);

        await(hello, HELLO_SECONDS, "hello from the streamer");
        if (serversFromStreamer) {
            List<RTCIceServer> servers = new ArrayList<>();
            for (SignalMessage.IceServerInfo info : iceServers) {
                RTCIceServer server = new RTCIceServer();
                server.urls = List.of(info.urls());
                server.username = info.username() == null ? "" : info.username();
                server.password = info.credential() == null ? "" : info.credential();
                servers.add(server);
                note("ice server from the streamer: " + info.urls() + " expires " + info.expiresAt());
            }
            config.iceServers = servers;
        }
        RTCPeerConnection pc = factory.createPeerConnection(config, observer);
        pcRef[0] = pc;
        CustomVideoSource dummySource = new CustomVideoSource();
        VideoTrack dummy = factory.createVideoTrack("recv-placeholder", dummySource);
        RTCRtpTransceiverInit init = new RTCRtpTransceiverInit();
        init.direction = RTCRtpTransceiverDirection.RECV_ONLY;
        RTCRtpTransceiver transceiver = pc.addTransceiver(dummy, init);
        List<RTCRtpCodecCapability> h264 = new ArrayList<>();
        for (RTCRtpCodecCapability c : factory.getRtpReceiverCapabilities(MediaType.VIDEO).getCodecs()) {
            if (c.getName().equalsIgnoreCase("H264") || c.getName().equalsIgnoreCase("rtx")) {
                h264.add(c);
            }
        }
        transceiver.setCodecPreferences(h264);

        CompletableFuture<RTCSessionDescription> offer = new CompletableFuture<>();
        pc.createOffer(new RTCOfferOptions(), new CreateSessionDescriptionObserver() {
            @Override
            public void onSuccess(RTCSessionDescription d) {
                offer.complete(d);
            }

            @Override
            public void onFailure(String error) {
                offer.completeExceptionally(new IllegalStateException(error));
            }
        });
        RTCSessionDescription local = offer.get(10, TimeUnit.SECONDS);
        CompletableFuture<Void> setLocal = new CompletableFuture<>();
        pc.setLocalDescription(local, observerOf(setLocal));
        setLocal.get(10, TimeUnit.SECONDS);
        String offerSdp = local.sdp;
        if (System.getenv("PROBE_NO_PLAYOUT_DELAY") != null) {
            offerSdp = offerSdp.replaceAll("a=extmap:\\d+ http://www.webrtc.org/experiments/rtp-hdrext/playout-delay\r\n", "");
        }
        Session session = socket.get(10, TimeUnit.SECONDS);
        synchronized (candidatesBeforeOffer) { // candidates gathered meanwhile follow the offer, in their order
            send(session, new SignalMessage.Offer(offerSdp));
            offerSentOn = session;
            candidatesBeforeOffer.forEach(c -> send(session, c));
            candidatesBeforeOffer.clear();
        }
        await(gotAnswer, ANSWER_SECONDS, "answer to the offer");
        if (remoteDescriptionFailure != null) {
            throw new ProbeFailure("the streamer's answer was not accepted: " + remoteDescriptionFailure);
        }
        await(firstFrame, FIRST_FRAME_SECONDS, "video frame after the answer");
        System.out.println(FIRST_FRAME + " " + (firstFrameNanos.get() - connectStart) / 1_000_000 + " ms after connecting");
        System.out.flush();

        long end = firstFrameNanos.get() + TimeUnit.SECONDS.toNanos(seconds);
        Path stop = Path.of(out + ".stop"); // a test may end the run early
        while (System.nanoTime() < end && !Files.exists(stop)) {
            Thread.sleep(Math.max(1, Math.min(200, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
            if (streamerError.isDone()) {
                throw new ProbeFailure("the streamer said " + streamerError.get());
            }
        }
        long renderedAtEnd = framesRendered.get();
        long announcedAtEnd = framesAnnounced.get();
        long announcedSinceFirst = announcedAfterFirstFrame.get();
        Map<String, Object> inbound = inboundStats(pc);
        String metrics = fetch(base.resolve("/metrics"));
        long first = firstFrameNanos.get();
        StringBuilder json = new StringBuilder("{");
        json.append("\"framesRendered\":").append(renderedAtEnd);
        json.append(",\"framesAnnounced\":").append(announcedAtEnd);
        json.append(",\"framesAnnouncedSinceFirstFrame\":").append(announcedSinceFirst);
        json.append(",\"streamerRetransmissions\":").append(metric(metrics, "carsight_retransmissions_total"));
        json.append(",\"streamerNacks\":").append(metric(metrics, "carsight_nacks_received_total"));
        json.append(",\"streamerViewers\":").append(metric(metrics, "carsight_viewers"));
        json.append(",\"framesWithTimecode\":").append(framesWithTimecode.get());
        json.append(",\"width\":").append(width).append(",\"height\":").append(height);
        json.append(",\"firstFrameMs\":").append(first == 0 ? -1 : (first - connectStart) / 1_000_000);
        json.append(",\"iceState\":\"").append(iceState).append('"');
        json.append(",\"longestGapMs\":").append(longestGapNanos.get() / 1_000_000);
        json.append(",\"truthLatencyP50Ms\":").append(percentile(truthLatencyMs, 0.5));
        json.append(",\"truthLatencyP95Ms\":").append(percentile(truthLatencyMs, 0.95));
        json.append(",\"auInToLastPacketP50Us\":").append(percentile(sendDelayMicros, 0.5));
        json.append(",\"auInToLastPacketP99Us\":").append(percentile(sendDelayMicros, 0.99));
        for (String key : List.of("framesDecoded", "framesDropped", "nackCount", "pliCount", "packetsLost", "packetsReceived", "freezeCount")) {
            Object v = inbound.get(key);
            json.append(",\"").append(key).append("\":").append(v == null ? "null" : v.toString());
        }
        json.append(",\"truthSeries\":[");
        synchronized (truthSeries) {
            String sep = "";
            for (double[] t : truthSeries) {
                json.append(sep).append(String.format(java.util.Locale.ROOT, "[%.1f,%.1f]", t[0], t[1]));
                sep = ",";
            }
        }
        json.append(']');
        json.append(",\"frameTimes\":[");
        synchronized (frameTimes) {
            String sep = "";
            for (long[] t : frameTimes) {
                json.append(sep).append('[').append(t[0]).append(',').append(t[1]).append(']');
                sep = ",";
            }
        }
        json.append(']');
        json.append(",\"log\":").append(logJson()).append('}');
        Files.writeString(out, json.toString());
        PrintStream stdout = System.out;
        stdout.println(json);
        return 0;
    }

    private void onSignal(String text, RTCPeerConnection[] pcRef, CountDownLatch gotAnswer) {
        try {
            SignalMessage message = codec.decode(text);
            RTCPeerConnection pc = pcRef[0];
            if (message instanceof SignalMessage.IceServerInfo info) {
                iceServers.add(info);
            } else if (message instanceof SignalMessage.Hello) {
                hello.countDown();
            } else if (message instanceof SignalMessage.Answer answer) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                pc.setRemoteDescription(new RTCSessionDescription(RTCSdpType.ANSWER, answer.sdp()), observerOf(done));
                done.whenComplete((v, e) -> {
                    note(e == null ? "remote description set" : "remote description failed: " + e.getMessage());
                    if (e != null) {
                        remoteDescriptionFailure = e.getMessage();
                    }
                    gotAnswer.countDown();
                });
            } else if (message instanceof SignalMessage.Candidate c && !c.candidate().isEmpty()) {
                pc.addIceCandidate(new RTCIceCandidate(c.sdpMid() == null ? "0" : c.sdpMid(),
                        c.sdpMLineIndex() == null ? 0 : c.sdpMLineIndex(), c.candidate()));
            } else if (message instanceof SignalMessage.FrameInfo frame) {
                framesAnnounced.incrementAndGet();
                synchronized (frameTimes) {
                    frameTimes.addLast(new long[]{frame.captureTimeMicros(), frame.sendTimeMicros()});
                    if (frameTimes.size() > 600) {
                        frameTimes.removeFirst();
                    }
                }
                if (framesAnnounced.get() > 90) { // past the cached pictures replayed at join: live frames only
                    sendDelayMicros.add((double) (frame.sendTimeMicros() - frame.captureTimeMicros()));
                }
                if (firstFrameNanos.get() != 0) {
                    announcedAfterFirstFrame.incrementAndGet();
                }
            } else if (message instanceof SignalMessage.ErrorMessage e) {
                note("error " + e.code() + ": " + e.message());
                streamerError.complete("error " + e.code() + ": " + e.message());
            }
        } catch (Exception e) {
            note("bad signal message: " + e.getMessage());
        }
    }

    private void onFrame(VideoFrame frame) {
        try {
            long nowMicros = WallClock.nowMicros();
            long now = System.nanoTime();
            if (firstFrameNanos.get() == 0 && firstFrameNanos.compareAndSet(0, now)) {
                firstFrame.countDown();
            }
            long previous = lastFrameNanos.getAndSet(now);
            if (previous != 0) {
                longestGapNanos.accumulateAndGet(now - previous, Math::max);
            }
            framesRendered.incrementAndGet();
            // the sink's buffers are already I420: toI420() hands back the same buffer, owned by the frame
            I420Buffer i420 = frame.buffer.toI420();
            {
                width = i420.getWidth();
                height = i420.getHeight();
                ByteBuffer y = i420.getDataY();
                int stride = i420.getStrideY();
                Optional<TimecodeWord.Timecode> tc = FrameTimecode.read((x, yy) -> y.get(yy * stride + x) & 0xFF, width);
                tc.ifPresent(t -> {
                    framesWithTimecode.incrementAndGet();
                    double truth = (nowMicros - t.captureTimeNear(nowMicros)) / 1000.0;
                    truthLatencyMs.add(truth);
                    synchronized (truthSeries) {
                        truthSeries.addLast(new double[]{nowMicros / 1000.0, truth});
                        if (truthSeries.size() > 3600) {
                            truthSeries.removeFirst();
                        }
                    }
                });
            }
        } finally {
            frame.release();
        }
    }

    private Map<String, Object> inboundStats(RTCPeerConnection pc) throws Exception {
        CompletableFuture<Map<String, Object>> result = new CompletableFuture<>();
        pc.getStats(report -> {
            for (RTCStats s : report.getStats().values()) {
                if (s.getType() == RTCStatsType.INBOUND_RTP && "video".equals(s.getAttributes().get("kind"))) {
                    result.complete(s.getAttributes());
                    return;
                }
            }
            result.complete(Map.of());
        });
        return result.get(5, TimeUnit.SECONDS);
    }

    private static String fetch(URI uri) {
        try {
            java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                    .connectTimeout(java.time.Duration.ofSeconds(3)).build();
            return http.send(java.net.http.HttpRequest.newBuilder(uri).timeout(java.time.Duration.ofSeconds(3)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "";
        }
    }

    private static String metric(String text, String name) {
        return text.lines().filter(l -> l.startsWith(name + " ")).map(l -> l.substring(name.length() + 1).strip())
                .findFirst().orElse("null");
    }

    private void send(Session s, SignalMessage m) {
        try {
            s.getBasicRemote().sendText(codec.encode(m));
        } catch (Exception e) {
            note("send failed: " + e.getMessage());
        }
    }

    private void note(String line) {
        log.add(Instant.now() + " " + line);
    }

    private static SetSessionDescriptionObserver observerOf(CompletableFuture<Void> f) {
        return new SetSessionDescriptionObserver() {
            @Override
            public void onSuccess() {
                f.complete(null);
            }

            @Override
            public void onFailure(String error) {
                f.completeExceptionally(new IllegalStateException(error));
            }
        };
    }


    private static String percentile(List<Double> values, double q) {
        List<Double> copy;
        synchronized (values) {
            copy = new ArrayList<>(values);
        }
        if (copy.isEmpty()) {
            return "null";
        }
        Collections.sort(copy);
        int rank = (int) Math.ceil(q * copy.size()) - 1;
        return String.format(java.util.Locale.ROOT, "%.1f", copy.get(Math.max(0, rank)));
    }
}
