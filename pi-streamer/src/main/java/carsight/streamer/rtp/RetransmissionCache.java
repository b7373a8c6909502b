package carsight.streamer.rtp;

/**
 * The packets sent in the last moments, by sequence number, so a NACK can be answered with the very bytes that were
 * lost. Bounded by count (a ring indexed by the 16-bit sequence number) and by age. Packets are stored as sent
 * (already SRTP-protected): resending identical bytes needs no new keystream. Thread-safe.
 */
public final class RetransmissionCache {

    private final int capacity;
    private final long maxAgeNanos;
    private final byte[][] packets;
    private final int[] sequences;
    private final long[] sentAt;

    public RetransmissionCache(int capacity, long maxAgeMillis) {
        this.capacity = capacity;
        this.maxAgeNanos = maxAgeMillis * 1_000_000L;
        this.packets = new byte[capacity][];
        this.sequences = new int[capacity];
        this.sentAt = new long[capacity];
    }

    public synchronized void put(int sequenceNumber, byte[] packet, long nowNanos) {
        int slot = sequenceNumber % capacity;
        packets[slot] = packet;
        sequences[slot] = sequenceNumber;
        sentAt[slot] = nowNanos;
    }

    /** The packet with this sequence number if it is still held and young enough, else null. */
    public synchronized byte[] get(int sequenceNumber, long nowNanos) {
        int slot = (sequenceNumber & 0xFFFF) % capacity;
        byte[] packet = packets[slot];
        if (packet == null || sequences[slot] != (sequenceNumber & 0xFFFF) || nowNanos - sentAt[slot] > maxAgeNanos) {
            return null;
        }
        return packet;
    }
}
