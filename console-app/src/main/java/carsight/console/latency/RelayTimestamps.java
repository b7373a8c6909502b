package carsight.console.latency;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Through a relay, the RTP timestamps a viewer sees are not the car's: Janus rewrites them per viewer (its own base,
 * the same steps), while the car's {@code frame} messages, relayed on the data channel, name the car's. This learns
 * the difference. Each frame's message leaves the car right after the frame's last packet and travels the same way,
 * so the frame is delivered for rendering a few ms after its message arrives, and before the next frame's message
 * as a rule. Pairing each newly delivered frame with the latest message that arrived before it gives a candidate
 * difference; the one that {@value #VOTES} frames agree on is taken, and kept while the frames keep matching
 * messages. Sans-I/O: times in (µs, one clock), timestamps out. Not thread-safe.
 */
public final class RelayTimestamps {

    static final int VOTES = 5;
    /** A frame may be delivered up to this long before its message is seen (the data channel is a little slower). */
    private static final long EARLY_MICROS = 5_000;
    /** ...and at most this long after (jitter buffer and decode). */
    private static final long LATE_MICROS = 100_000;
    /** Frames in a row that match no message before the learnt difference is dropped. */
    private static final int MISSES = 30;
    private static final int MESSAGES = 240;
    private static final long MASK = 0xFFFFFFFFL;

    private record Message(long carRtp, long arrivalMicros) {
    }

    private final Deque<Message> messages = new ArrayDeque<>();
    private final Map<Long, Integer> votes = new HashMap<>();
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
     * the difference is known.
     */
    public OptionalLong toCar(long relayRtp, long deliveredMicros) {
        relayRtp &= MASK;
        if (relayRtp != lastRelayRtp) {
            lastRelayRtp = relayRtp;
            learn(relayRtp, deliveredMicros);
        }
        return offset < 0 ? OptionalLong.empty() : OptionalLong.of((relayRtp - offset) & MASK);
    }

    public boolean known() {
        return offset >= 0;
    }

    /** Forgets everything (a new watch: Janus starts the viewer's timestamps afresh). */
    public void reset() {
        messages.clear();
        votes.clear();
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
                votes.clear();
            }
            return;
        }
        Message pair = null;
        for (Message m : messages) {
            if (m.arrivalMicros() <= deliveredMicros + EARLY_MICROS && m.arrivalMicros() >= deliveredMicros - LATE_MICROS
                    && (pair == null || m.arrivalMicros() >= pair.arrivalMicros())) {
                pair = m;
            }
        }
        if (pair == null) {
            return;
        }
        long candidate = (relayRtp - pair.carRtp()) & MASK;
        if (votes.merge(candidate, 1, Integer::sum) >= VOTES) {
            offset = candidate;
            votes.clear();
        }
        if (votes.size() > 64) {
            votes.clear(); // no agreement among many frames: start counting again
        }
    }
}
