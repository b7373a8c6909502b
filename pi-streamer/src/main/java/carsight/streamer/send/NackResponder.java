package carsight.streamer.send;

import carsight.streamer.rtp.RetransmissionCache;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps what was sent (as it went on the wire, already protected) and answers a NACK (RFC 4585 §6.2.1) with the very
 * bytes still held; what is gone stays gone, and the receiver will ask for a keyframe. Thread-safe: the sender puts,
 * the receive thread answers.
 */
public final class NackResponder {

    private final RetransmissionCache cache;
    private volatile long retransmissions;

    /** @param capacity packets held; @param maxAgeMillis older ones are not sent again (too late to help) */
    public NackResponder(int capacity, long maxAgeMillis) {
        this.cache = new RetransmissionCache(capacity, maxAgeMillis);
    }

    public void sent(int sequenceNumber, byte[] wire, long nowNanos) {
        cache.put(sequenceNumber, wire, nowNanos);
    }

    /** The packets to send again for these lost sequence numbers, in the order asked. */
    public List<byte[]> answer(List<Integer> lost, long nowNanos) {
        List<byte[]> again = new ArrayList<>(lost.size());
        for (int seq : lost) {
            byte[] packet = cache.get(seq, nowNanos);
            if (packet != null) {
                again.add(packet);
            }
        }
        retransmissions += again.size();
        return again;
    }

    public long retransmissions() {
        return retransmissions;
    }
}
