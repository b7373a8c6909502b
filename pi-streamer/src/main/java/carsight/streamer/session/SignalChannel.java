package carsight.streamer.session;

import carsight.protocol.signal.SignalCodec;
import carsight.protocol.signal.SignalFormatException;
import carsight.protocol.signal.SignalMessage;
import carsight.streamer.camera.EncodedFrame;
import carsight.protocol.clock.WallClock;
import carsight.streamer.http.StreamerApi;
import carsight.streamer.sdp.OfferRefusedException;
import carsight.streamer.sdp.SdpFormatException;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * One viewer's {@code /signal} conversation: hello, offer → answer, trickled candidates, ping/pong for clock sync,
 * then a {@code stream} message and one {@code frame} message per frame sent; later offers with new ICE credentials
 * restart ICE on the same session (same socket, same DTLS). A bad message gets an {@code error}
 * and is dropped; the connection and the media session live on.
 */
public final class SignalChannel implements StreamerApi.SignalPeer {

    private static final System.Logger LOG = System.getLogger(SignalChannel.class.getName());

    private final StreamerApi.SignalConnection connection;
    private final ViewerSessions sessions;
    private final StreamerContext context;
    private final ExecutorService setup;
    private final SignalCodec codec;
    private volatile ViewerSession session;
    private volatile boolean closed;
    /** Candidates trickled while the session for the latest offer is still being set up. */
    private final java.util.List<String> pendingCandidates = new java.util.ArrayList<>();
    private boolean settingUp;

    public SignalChannel(StreamerApi.SignalConnection connection, ViewerSessions sessions, StreamerContext context,
                         ExecutorService setup, SignalCodec codec) {
        this.connection = connection;
        this.sessions = sessions;
        this.context = context;
        this.setup = setup;
        this.codec = codec;
        // the viewer's ICE servers first: it builds its peer connection when the hello arrives
        // (STUN, and TURN with short-lived credentials; fixed TURN credentials stay with the streamer)
        for (carsight.streamer.ice.IceServer server : context.ice().resolved(System.currentTimeMillis() / 1000)) {
            if (server.isTurn() && server.expiresAtSeconds() == null) {
                continue;
            }
            send(new SignalMessage.IceServerInfo(server.url(), server.username(), server.credential(), server.expiresAtSeconds()));
        }
        send(new SignalMessage.Hello(1, "streamer", null, "carsight"));
        send(context.streamInfo());
    }

    @Override
    public void onText(String text) {
        long receivedMicros = WallClock.nowMicros();
        SignalMessage message;
        try {
            message = codec.decode(text);
        } catch (SignalFormatException e) {
            context.metrics().signalError();
            send(new SignalMessage.ErrorMessage(e.code(), e.getMessage()));
            return;
        }
        if (message instanceof SignalMessage.Ping ping) {
            send(new SignalMessage.Pong(ping.id(), ping.clientTimeMicros(), receivedMicros, WallClock.nowMicros()));
        } else if (message instanceof SignalMessage.Offer offer) {
            onOffer(offer);
        } else if (message instanceof SignalMessage.Candidate candidate) {
            ViewerSession current;
            synchronized (pendingCandidates) {
                current = session;
                if (settingUp) {
                    if (pendingCandidates.size() < 64) {
                        pendingCandidates.add(candidate.candidate());
                    }
                    return;
                }
                if (current == null) {
                    send(new SignalMessage.ErrorMessage("bad-message", "a candidate came before any offer"));
                    return;
                }
            }
            addCandidate(current, candidate.candidate());
        } else if (message instanceof SignalMessage.Bye bye) {
            ViewerSession current = session;
            if (current != null) {
                current.close("viewer said bye" + (bye.reason() == null ? "" : ": " + bye.reason()));
            }
        } else if (message instanceof SignalMessage.Hello || message instanceof SignalMessage.Telemetry) {
            // hello carried the token (already checked); telemetry is informational
        } else {
            send(new SignalMessage.ErrorMessage("bad-message", "a viewer cannot send '" + message.type() + "' messages"));
        }
    }

    /**
     * An offer: the first one opens a session; a later one on a live session is tried as an ICE restart (the session
     * goes on over a new path), and anything more than that replaces the session.
     */
    private void onOffer(SignalMessage.Offer offer) {
        long wait = context.refusedOffers().blockedSeconds(connection.remoteAddress());
        if (wait > 0) {
            send(new SignalMessage.ErrorMessage("offer-refused", "too many refused offers from this address: try again in "
                    + wait + " s"));
            return;
        }
        ViewerSession previous;
        synchronized (pendingCandidates) {
            previous = session;
            if (previous != null && previous.isClosed()) {
                previous = null;
                session = null;
            }
            settingUp = true;
            pendingCandidates.clear();
        }
        ViewerSession live = previous;
        try {
            setup.execute(() -> {
                if (live == null || !restartSession(live, offer.sdp())) {
                    replaceSession(live, offer.sdp());
                }
            });
        } catch (RejectedExecutionException e) {
            refuse(new SignalMessage.ErrorMessage("busy", "too many viewers are connecting at once; try again in a moment"));
        }
    }

    private void replaceSession(ViewerSession previous, String sdp) {
        if (previous != null) {
            synchronized (pendingCandidates) {
                if (session == previous) {
                    session = null;
                }
            }
            previous.close("viewer sent a new offer");
        }
        openSession(sdp);
    }

    /** Returns false when the offer is not an ICE restart of {@code live} (then nothing was changed or sent). */
    private boolean restartSession(ViewerSession live, String sdp) {
        if (closed) {
            return true;
        }
        try {
            carsight.streamer.sdp.Answer answer = sessions.restart(live, sdp);
            if (answer == null) {
                return false;
            }
            java.util.List<String> early;
            synchronized (pendingCandidates) {
                settingUp = false;
                early = new java.util.ArrayList<>(pendingCandidates);
                pendingCandidates.clear();
            }
            answer(live, answer.sdp(), early);
        } catch (SdpFormatException | OfferRefusedException | IOException | RuntimeException e) {
            refuseFor(e, "restart ICE");
        }
        return true;
    }

    private void openSession(String sdp) {
        if (closed) {
            return;
        }
        try {
            ViewerSession opened = sessions.open(sdp, connection.remoteAddress(), new ViewerSession.Events() {
                @Override
                public void onMediaFlowing(ViewerSession s) {
                    send(context.streamInfo());
                }

                @Override
                public void onFrameSent(ViewerSession s, EncodedFrame frame, long rtpTimestamp, long sendTimeMicros) {
                    send(new SignalMessage.FrameInfo(rtpTimestamp, frame.captureTimeMicros(), sendTimeMicros,
                            frame.accessUnit().size(), frame.keyframe()));
                }

                @Override
                public void onSkipping(ViewerSession s, boolean skipping) {
                    reportPath(context.metrics().cameraBitrateBps());
                }

                @Override
                public void onClosed(ViewerSession s, String reason) {
                    if (!closed && session == s) {
                        send(new SignalMessage.Bye(reason));
                    }
                }
            });
            java.util.List<String> early;
            synchronized (pendingCandidates) {
                session = opened;
                settingUp = false;
                early = new java.util.ArrayList<>(pendingCandidates);
                pendingCandidates.clear();
            }
            if (closed) {
                opened.close("signaling closed during setup");
                return;
            }
            answer(opened, opened.answerSdp(), early);
        } catch (SdpFormatException | OfferRefusedException | ViewerSessions.BusyException | IOException
                 | RuntimeException e) {
            refuseFor(e, "set up the session");
        }
    }

    private void answer(ViewerSession target, String sdp, java.util.List<String> earlyCandidates) {
        send(new SignalMessage.Answer(sdp));
        for (String candidate : earlyCandidates) {
            addCandidate(target, candidate);
        }
    }

    private void refuseFor(Exception e, String doing) {
        if (e instanceof SdpFormatException) {
            context.refusedOffers().failure(connection.remoteAddress());
            refuse(new SignalMessage.ErrorMessage("bad-message", "the offer is not valid SDP: " + e.getMessage()));
        } else if (e instanceof OfferRefusedException) {
            context.refusedOffers().failure(connection.remoteAddress());
            LOG.log(System.Logger.Level.INFO, "signal: refused an offer from {0}: {1}", connection.remoteAddress(),
                    e.getMessage());
            refuse(new SignalMessage.ErrorMessage("offer-refused", e.getMessage()));
        } else if (e instanceof ViewerSessions.BusyException) {
            refuse(new SignalMessage.ErrorMessage("busy", e.getMessage()));
        } else {
            LOG.log(System.Logger.Level.WARNING, "signal: could not {0} for {1}: {2}", doing,
                    connection.remoteAddress(), e.toString());
            refuse(new SignalMessage.ErrorMessage("internal", "the streamer could not " + doing + ": " + e.getMessage()));
        }
    }

    /**
     * Ends the setup, then says why: the viewer may answer the refusal at once (a candidate, a new offer), and that
     * must meet a channel that is no longer setting up.
     */
    private void refuse(SignalMessage.ErrorMessage why) {
        synchronized (pendingCandidates) {
            settingUp = false;
            pendingCandidates.clear();
        }
        send(why);
    }

    private void addCandidate(ViewerSession target, String candidate) {
        try {
            target.addRemoteCandidate(candidate);
        } catch (IllegalArgumentException e) {
            send(new SignalMessage.ErrorMessage("bad-message", e.getMessage()));
        }
    }

    @Override
    public void onClose(String reason) {
        closed = true;
        ViewerSession current = session;
        if (current != null) {
            current.close("signaling closed: " + reason);
        }
    }

    /** Sends the stream's description again (the camera's bitrate changed). */
    public void describeStream(SignalMessage.StreamInfo stream) {
        if (!closed) {
            send(stream);
        }
    }

    /** Tells the viewer how its path keeps up ({@code path}), once its media flows. */
    public void reportPath(long cameraBitrateBps) {
        ViewerSession current = session;
        if (current != null && !current.isClosed() && !closed) {
            send(current.pathInfo(cameraBitrateBps));
        }
    }

    /** Ends the conversation with a bye (streamer shutting down). */
    public void bye(String reason) {
        send(new SignalMessage.Bye(reason));
        connection.close(1001, reason);
    }

    private void send(SignalMessage message) {
        connection.send(codec.encode(message));
    }
}
