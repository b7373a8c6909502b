package carsight.console.latency;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Through a relay, the RTP timestamps a viewer sees are not the car's: Janus rewrites them per viewer (its own base,
 * the same steps), while the car's {@code frame} messages, relayed on the data channel, name the car's. This learns
 * the difference.
 *
 * <p>Each frame's message leaves the car right after the frame's last packet and travels the same way, so a frame is
 * delivered for rendering some time d after its message arrives: d is a few ms (decode) and never much below zero
 * (the data channel may trail the video by up to {@value #EARLY_MICROS} µs), but with a jitter buffer or a loaded
 * machine it can exceed a frame interval — so "the latest message before the frame" is not always its own. Instead,
 * every message that arrived around a delivered frame proposes a difference, and for each proposal the smallest d it
 * implies over the frames seen is kept. The frame's own message gives the true difference, whose smallest d is the
 * decode time of the quickest frame. A camera's timestamps step by a frame interval give or take a tick, so pairing
 * frames with their neighbours' messages proposes a scatter of differences that few frames agree on; only the true one
 * comes up for (nearly) every frame. Were the steps exactly equal, a neighbour's pairing would come up as often: the
 * next frame's gives a smallest d a frame interval lower (below zero unless frames wait longer than that), an earlier
 * frame's a frame interval or more higher. So among the proposals that {@value #FRAMES} frames in a row agree on, the
 * one with the lowest smallest d that is not below −{@value #EARLY_MICROS} µs is taken, and kept while frames keep
 * matching messages. Sans-I/O: times in (µs, one clock), timestamps out. Not thread-safe.
 */
public final class RelayTimestamps {

    /** Frames whose proposals are weighed before a difference is taken. */
    static final int FRAMES = 8;
    /** The data channel may trail the video by this much. */
    static final long EARLY_MICROS = 5_000;
    /** How long after its message a frame may be delivered (jitter buffer and decode). */
    private static final long LATE_MICROS = 250_000;
    /** Frames in a row that match no message before the learnt difference is dropped. */
    private static final int MISSES = 30;
    private static final int MESSAGES = 240;
    private static final long MASK = 0xFFFFFFFFL;

    private record Message(long carRtp, long arrivalMicros) {
    }

    /** A proposed difference: in how many of the weighed frames it came up, and the smallest delay it implies. */
    private static final class Proposal {
        int frames;
        long smallestDelayMicros = Long.MAX_VALUE;
    }

    private final Deque<Message> messages = new ArrayDeque<>();
    private final Map<Long, Proposal> proposals = new HashMap<>();
    /** Frames delivered, not yet weighed: {relay RTP timestamp, delivered µs}. */
    private final Deque<long[]> pending = new ArrayDeque<>();
    private int framesWeighed;
    private long lastRelayRtp = -1;
    private long offset = -1;
    private int misses;

    /** A {@code frame} message from the car, as it arrived here. */
    public void onFrameMessage(long carRtp, long arrivalMicros) {
        messages.addLast(new Message(carRtp & MASK, arrivalMicros));
        while (messages.size() > MESSAGES) {
            messages.removeFirst();
        }
    }

    /**
     * The car's RTP timestamp of a frame the relay delivered with {@code relayRtp} at {@code deliveredMicros}, once
     * the difference is known. {@code nowMicros}: when this is asked; a frame is weighed only once the messages that
     * may trail it ({@value #EARLY_MICROS} µs) have had time to come in.
     */
    public OptionalLong toCar(long relayRtp, long deliveredMicros, long nowMicros) {
        relayRtp &= MASK;
        if (relayRtp != lastRelayRtp) {
            lastRelayRtp = relayRtp;
            pending.addLast(new long[]{relayRtp, deliveredMicros});
            while (pending.size() > 64) {
                pending.removeFirst();
            }
        }
        while (!pending.isEmpty() && pending.peekFirst()[1] + EARLY_MICROS <= nowMicros) {
            long[] frame = pending.removeFirst();
            learn(frame[0], frame[1]);
        }
        return offset < 0 ? OptionalLong.empty() : OptionalLong.of((relayRtp - offset) & MASK);
    }

    public boolean known() {
        return offset >= 0;
    }

    /** Forgets everything (a new watch: Janus starts the viewer's timestamps afresh). */
    public void reset() {
        messages.clear();
        proposals.clear();
        pending.clear();
        framesWeighed = 0;
        lastRelayRtp = -1;
        offset = -1;
        misses = 0;
    }

    private void learn(long relayRtp, long deliveredMicros) {
        if (offset >= 0) {
            long car = (relayRtp - offset) & MASK;
            boolean matched = messages.stream().anyMatch(m -> m.carRtp() == car);
            misses = matched ? 0 : misses + 1;
            if (misses >= MISSES) {
                offset = -1;
                misses = 0;
            }
            return;
        }
        boolean any = false;
        for (Message m : messages) {
            long delay = deliveredMicros - m.arrivalMicros();
            if (delay < -EARLY_MICROS - 100_000 || delay > LATE_MICROS) {
                continue; // far from this frame: proposes nothing
            }
            Proposal p = proposals.computeIfAbsent((relayRtp - m.carRtp()) & MASK, k -> new Proposal());
            p.frames++;
            p.smallestDelayMicros = Math.min(p.smallestDelayMicros, delay);
            any = true;
        }
        if (!any) {
            return;
        }
        if (++framesWeighed < FRAMES) {
            return;
        }
        long best = -1;
        long bestDelay = Long.MAX_VALUE;
        for (Map.Entry<Long, Proposal> e : proposals.entrySet()) {
            Proposal p = e.getValue();
            if (p.frames >= FRAMES - 1 && p.smallestDelayMicros >= -EARLY_MICROS && p.smallestDelayMicros < bestDelay) {
                best = e.getKey();
                bestDelay = p.smallestDelayMicros;
            }
        }
        proposals.clear();
        framesWeighed = 0;
        if (best >= 0) {
            offset = best;
            misses = 0;
        }
    }
}
