package carsight.streamer.session;

import carsight.streamer.ice.IceSession;
import carsight.streamer.sdp.Answer;
import carsight.streamer.sdp.AnswerBuilder;
import carsight.streamer.sdp.OfferReader;
import carsight.streamer.sdp.OfferRefusedException;
import carsight.streamer.sdp.SdpFormatException;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every viewer session of the streamer, by id: opens sessions from offers (within the viewer limit), finds and
 * closes them. Sessions remove themselves when they end, so the count in {@code /healthz} always returns to zero.
 */
public final class ViewerSessions {

    private static final System.Logger LOG = System.getLogger(ViewerSessions.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();

    private final StreamerContext context;
    private final Map<String, ViewerSession> sessions = new ConcurrentHashMap<>();

    public ViewerSessions(StreamerContext context) {
        this.context = context;
        context.metrics().viewerCountFrom(sessions::size);
    }

    /** The viewer limit is reached. */
    public static final class BusyException extends Exception {
        BusyException(String message) {
            super(message);
        }
    }

    /**
     * Accepts an offer: reads it (an offer that cannot be served is refused here, before anything is spent on it),
     * gathers ICE candidates (blocks for that), builds the answer and starts connectivity checks.
     *
     * @param remote who asked, for logs
     */
    public ViewerSession open(String offerSdp, String remote, ViewerSession.Events events)
            throws SdpFormatException, OfferRefusedException, BusyException, IOException {
        if (sessions.size() >= context.settings().maxViewers()) {
            throw new BusyException("this streamer already serves " + sessions.size() + " viewers (--max-viewers "
                    + context.settings().maxViewers() + ")");
        }
        OfferReader.Offer offer = OfferReader.read(offerSdp, context.streamInfo().profileLevelId());
        String id = HexFormat.of().formatHex(randomBytes(8));
        long ssrc = RANDOM.nextInt() & 0xFFFFFFFFL;
        IceSession ice = new IceSession(context.ice());
        context.metrics().iceAgentStarted();
        Answer answer = answer(offer, ice, ssrc);
        if (answer.note() != null) {
            LOG.log(System.Logger.Level.INFO, "viewer {0} ({1}): {2}", id, remote, answer.note());
        }
        ViewerSession.Events tracking = new ViewerSession.Events() {
            @Override
            public void onMediaFlowing(ViewerSession session) {
                events.onMediaFlowing(session);
            }

            @Override
            public void onFrameSent(ViewerSession session, carsight.streamer.camera.EncodedFrame frame, long rtpTimestamp,
                                    long sendTimeMicros) {
                events.onFrameSent(session, frame, rtpTimestamp, sendTimeMicros);
            }

            @Override
            public void onClosed(ViewerSession session, String reason) {
                sessions.remove(session.id());
                events.onClosed(session, reason);
            }
        };
        ViewerSession session = new ViewerSession(id, context, ice, answer, ssrc, tracking);
        sessions.put(id, session);
        session.offered(ice, answer.negotiated());
        session.start();
        LOG.log(System.Logger.Level.INFO, "viewer {0} joined from {1}: H.264 pt {2} profile {3}, {4} local candidates",
                id, remote, answer.negotiated().payloadType(), answer.negotiated().profileLevelId(),
                ice.localCandidates().size());
        return session;
    }

    /**
     * A new offer from a viewer that has a session: when it only changes ICE (new credentials, same media and DTLS),
     * restarts the session's ICE on a freshly gathered agent — the path broke, e.g. the streamer's address changed —
     * and returns the answer. Returns null when the offer is more than an ICE restart (the caller opens a new
     * session instead).
     */
    public Answer restart(ViewerSession session, String offerSdp)
            throws SdpFormatException, OfferRefusedException, IOException {
        OfferReader.Offer offer = OfferReader.read(offerSdp, context.streamInfo().profileLevelId());
        IceSession ice = new IceSession(context.ice());
        context.metrics().iceAgentStarted();
        Answer answer = answer(offer, ice, session.sendPath().ssrc());
        if (!session.negotiated().isIceRestartOf(answer.negotiated())) {
            ice.close();
            return null;
        }
        session.restartIce(ice, answer);
        return answer;
    }

    /** Our answer to an offer already read, with {@code ice}'s credentials and candidates; closes {@code ice} on failure. */
    private Answer answer(OfferReader.Offer offer, IceSession ice, long ssrc) {
        try {
            return AnswerBuilder.answer(offer, new AnswerBuilder.Local(ice.localUfrag(), ice.localPassword(),
                    ice.localCandidates(), context.identity().fingerprint(), ssrc, context.cname(),
                    context.streamInfo().profileLevelId()));
        } catch (RuntimeException e) {
            ice.close();
            throw e;
        }
    }

    public ViewerSession find(String id) {
        return id == null ? null : sessions.get(id);
    }

    public int count() {
        return sessions.size();
    }

    public List<ViewerSession> all() {
        return new ArrayList<>(sessions.values());
    }

    public void closeAll(String reason) {
        for (ViewerSession s : all()) {
            s.close(reason);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
