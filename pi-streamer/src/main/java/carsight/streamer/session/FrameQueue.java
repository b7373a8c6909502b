package carsight.streamer.session;

import carsight.streamer.camera.EncodedFrame;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A viewer's bounded inbox of frames. The camera side never waits: when the viewer falls {@code capacity} frames
 * behind, everything queued is dropped and the queue accepts nothing until the next keyframe, because P-frames after
 * a gap would only show corruption. The viewer thread takes frames with a timeout.
 */
final class FrameQueue implements FrameFanout.Subscriber {

    private final int capacity;
    private final ArrayDeque<EncodedFrame> frames;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private boolean waitingForKeyframe;
    private long dropped;

    FrameQueue(int capacity) {
        this.capacity = capacity;
        this.frames = new ArrayDeque<>(capacity);
    }

    @Override
    public void offer(EncodedFrame frame) {
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
                waitingForKeyframe = !frame.keyframe();
                if (waitingForKeyframe) {
                    return;
                }
            }
            frames.addLast(frame);
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /** The next frame, or null after {@code timeoutMillis}. */
    EncodedFrame take(long timeoutMillis) throws InterruptedException {
        long nanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        lock.lock();
        try {
            while (frames.isEmpty()) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            return frames.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    /** True while frames are being dropped until the next keyframe (the caller may ask the camera for one). */
    boolean waitingForKeyframe() {
        lock.lock();
        try {
            return waitingForKeyframe;
        } finally {
            lock.unlock();
        }
    }

    long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }
}
