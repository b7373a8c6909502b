package carsight.streamer.session;

import carsight.streamer.camera.EncodedFrame;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A viewer's inbox of frames, each with the moment it arrived, so the sender can tell how long it waited (the
 * latency budget decides what is too late to send). The camera side never waits. A hard cap of {@code capacity}
 * frames bounds memory whatever the sender does: past it everything queued is dropped and the queue takes nothing
 * until the next keyframe, because P-frames after a gap would only show corruption.
 */
final class FrameQueue implements FrameFanout.Subscriber {

    /** A frame waiting to be sent. {@code replayed}: one of the cached pictures a viewer starts with. */
    record Queued(EncodedFrame frame, long arrivedNanos, boolean replayed) {
    }

    private final int capacity;
    private final ArrayDeque<Queued> frames;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private boolean waitingForKeyframe;
    private long dropped;
    private long bytes;

    FrameQueue(int capacity) {
        this.capacity = capacity;
        this.frames = new ArrayDeque<>(Math.min(capacity, 64));
    }

    @Override
    public void offer(EncodedFrame frame) {
        add(frame, false);
    }

    @Override
    public void replay(EncodedFrame frame) {
        add(frame, true);
    }

    private void add(EncodedFrame frame, boolean replayed) {
        lock.lock();
        try {
            if (waitingForKeyframe && !frame.keyframe()) {
                dropped++;
                return;
            }
            waitingForKeyframe = false;
            if (frames.size() >= capacity) {
                dropped += frames.size() + 1;
                frames.clear();
                bytes = 0;
                waitingForKeyframe = !frame.keyframe();
                if (waitingForKeyframe) {
                    return;
                }
            }
            frames.addLast(new Queued(frame, System.nanoTime(), replayed));
            bytes += frame.accessUnit().size();
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /** The next frame, or null after {@code timeoutMillis}. */
    Queued take(long timeoutMillis) throws InterruptedException {
        long nanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        lock.lock();
        try {
            while (frames.isEmpty()) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            Queued next = frames.pollFirst();
            bytes -= next.frame().accessUnit().size();
            return next;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes of the pictures waiting (taken ones excluded). */
    long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    /** Frames dropped because the hard cap was reached. */
    long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }
}
