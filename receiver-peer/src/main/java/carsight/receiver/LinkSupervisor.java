package carsight.receiver;

import dev.onvoid.webrtc.RTCIceConnectionState;

import java.util.List;

/**
 * Decides what a viewer's link does next, from what happened and when: nothing else. Events and the current time
 * (monotonic, ns) go in, actions come out; it reads no clock, owns no thread and touches no socket, so every rule
 * can be checked with a made-up clock.
 *
 * <ul>
 *   <li>Video silent for {@value #RESTART_AFTER_MILLIS} ms on a link that had video: restart ICE over the signaling
 *       socket, which may still work (the car's address changed, a handover).</li>
 *   <li>Still silent after {@value #RECONNECT_AFTER_MILLIS} ms, and no restart younger than
 *       {@value #RESTART_GRACE_MILLIS} ms: start over with a new socket and peer.</li>
 *   <li>No connection {@value #FIRST_CONNECT_MILLIS} ms after an attempt began: start over.</li>
 *   <li>Starting over waits 0.5 s, then 1 s for every later failure in a row (a restarted streamer is found again
 *       within a second of being up); an attempt that had been live resets the wait.</li>
 * </ul>
 *
 * <p>Not thread-safe: one thread feeds it.
 */
public final class LinkSupervisor {

    public static final long RESTART_AFTER_MILLIS = 1_500;
    public static final long RECONNECT_AFTER_MILLIS = 4_000;
    public static final long RESTART_GRACE_MILLIS = 3_000;
    public static final long FIRST_CONNECT_MILLIS = 15_000;
    public static final long FIRST_BACKOFF_MILLIS = 500;
    public static final long MAX_BACKOFF_MILLIS = 1_000;

    /** What the link is to do. */
    public sealed interface Action {
    }

    /** Tell the operator: the link is now in {@code state}. */
    public record SetState(LinkState state, String detail) implements Action {
    }

    /** Offer again with new ICE credentials on the same socket and peer. */
    public record RestartIce() implements Action {
    }

    /** Drop this socket and peer; connect again after {@code delayMillis}. */
    public record StartOver(long delayMillis, String reason) implements Action {
    }

    private long backoffMillis = FIRST_BACKOFF_MILLIS;
    private long startedNanos;
    private long lastMediaNanos;
    private boolean everLive;
    private boolean sawVideo;
    /** When an ICE restart was asked for in the current outage, or 0. */
    private long restartNanos;
    private boolean dead = true;

    /** A new attempt begins: a socket is being opened. */
    public List<Action> connecting(long nowNanos, String detail) {
        startedNanos = nowNanos;
        lastMediaNanos = nowNanos;
        everLive = false;
        sawVideo = false;
        restartNanos = 0;
        dead = false;
        return List.of(new SetState(LinkState.CONNECTING, detail));
    }

    /** The first offer of this attempt went out. */
    public List<Action> offered() {
        return negotiating("offer sent");
    }

    /** The session description went out ({@code detail}: which, e.g. the answer to a relay's offer). */
    public List<Action> negotiating(String detail) {
        return dead ? List.of() : List.of(new SetState(LinkState.NEGOTIATING, detail));
    }

    public List<Action> ice(RTCIceConnectionState state, long nowNanos) {
        if (dead) {
            return List.of();
        }
        return switch (state) {
            case CONNECTED, COMPLETED -> {
                everLive = true;
                // restarting: live once frames come again, not on libwebrtc's word alone
                yield restartNanos == 0 ? List.of(new SetState(LinkState.LIVE, "ICE " + state.name().toLowerCase()))
                        : List.of();
            }
            case FAILED -> failed(LinkState.LINK_LOST, "ICE failed: no network path to the streamer");
            case DISCONNECTED -> List.of(new SetState(LinkState.LINK_LOST, "ICE disconnected: waiting for the path to come back"));
            default -> List.of();
        };
    }

    /** A decoded frame came. */
    public List<Action> frame(long nowNanos) {
        if (dead) {
            return List.of();
        }
        lastMediaNanos = nowNanos;
        sawVideo = true;
        return videoBack(nowNanos);
    }

    /** Frames came again after an ICE restart was asked for: live, and the next outage may restart again. */
    private List<Action> videoBack(long nowNanos) {
        if (restartNanos == 0) {
            return List.of();
        }
        long after = (nowNanos - restartNanos) / 1_000_000;
        restartNanos = 0;
        return List.of(new SetState(LinkState.LIVE, "video back " + after + " ms after the ICE restart was asked for"));
    }

    /** The signaling socket closed: {@code 1008} means the token was refused; {@code -1} an error on it. */
    public List<Action> signalClosed(int code, String reason) {
        if (code == 1008) {
            return failed(LinkState.UNAUTHORIZED, "the streamer refused the token");
        }
        return failed(LinkState.LINK_LOST, (code == -1 ? "signaling error: " : "signaling closed: ") + reason);
    }

    /** This attempt cannot go on. */
    public List<Action> failed(LinkState why, String detail) {
        if (dead) {
            return List.of();
        }
        dead = true;
        if (everLive) {
            backoffMillis = FIRST_BACKOFF_MILLIS;
        }
        long delay = backoffMillis;
        backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
        return List.of(new SetState(why, detail), new StartOver(delay, detail));
    }

    /** The watchdog, every quarter second or so: declares the link lost when no frame came, even if ICE has not noticed. */
    public List<Action> tick(long nowNanos, boolean signalingOpen) {
        if (dead) {
            return List.of();
        }
        long silentMillis = (nowNanos - lastMediaNanos) / 1_000_000;
        long sinceRestart = restartNanos == 0 ? Long.MAX_VALUE : (nowNanos - restartNanos) / 1_000_000;
        if (silentMillis < RESTART_AFTER_MILLIS) {
            return videoBack(nowNanos);
        }
        if (sawVideo && restartNanos == 0 && signalingOpen) {
            restartNanos = nowNanos;
            return List.of(new SetState(LinkState.LINK_LOST, "no video for " + silentMillis + " ms: restarting ICE"),
                    new RestartIce());
        }
        if (everLive && silentMillis > RECONNECT_AFTER_MILLIS && sinceRestart > RESTART_GRACE_MILLIS) {
            return failed(LinkState.LINK_LOST, "no video for " + silentMillis / 1000 + " s");
        }
        if (!everLive && (nowNanos - startedNanos) / 1_000_000 > FIRST_CONNECT_MILLIS) {
            return failed(LinkState.LINK_LOST, "no connection after " + FIRST_CONNECT_MILLIS / 1000 + " s");
        }
        return List.of();
    }

    /** Whether the current attempt has ended (until {@link #connecting}). */
    public boolean ended() {
        return dead;
    }
}
