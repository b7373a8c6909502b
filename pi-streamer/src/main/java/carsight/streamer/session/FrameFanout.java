package carsight.streamer.session;

import carsight.streamer.camera.Camera;
import carsight.streamer.camera.EncodedFrame;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Shares one camera among many viewers without letting any of them slow it down.
 *
 * <p>Runs on the camera's thread: each frame is offered to every subscriber with a non-blocking call, and a copy of
 * the current group of pictures (the last IDR and every frame after it) is kept so a viewer who joins mid-GOP can
 * start decoding at once instead of waiting for the next IDR.
 */
public final class FrameFanout implements Camera.Listener {

    /** Receives frames; must return at once (queue or drop), never block. */
    public interface Subscriber {
        void offer(EncodedFrame frame);

        /** A cached picture given again on purpose (to a new subscriber, or after a keyframe request). */
        default void replay(EncodedFrame frame) {
            offer(frame);
        }
    }

    private final Object lock = new Object();
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final GroupOfPictures gop;
    private final AtomicReference<EncodedFrame> latest = new AtomicReference<>();
    private volatile Camera.CameraState cameraState = Camera.CameraState.STARTING;
    private volatile String cameraDetail = "";
    private volatile Runnable onFrameHook = () -> { };

    public FrameFanout(int maxGopFrames, long maxGopBytes) {
        this.gop = new GroupOfPictures(maxGopFrames, maxGopBytes);
    }

    /**
     * Adds a subscriber. It first receives the cached group of pictures (if any, starting with its IDR), then every
     * new frame; the hand-over is atomic, so no frame is missed or repeated.
     */
    public void subscribe(Subscriber subscriber) {
        synchronized (lock) {
            for (EncodedFrame cached : gop.frames()) {
                subscriber.replay(cached);
            }
            subscribers.add(subscriber);
        }
    }

    public void unsubscribe(Subscriber subscriber) {
        subscribers.remove(subscriber);
    }

    /** The frames a late joiner would get now: the last IDR and those after it. */
    public List<EncodedFrame> cachedGop() {
        synchronized (lock) {
            return new ArrayList<>(gop.frames());
        }
    }

    public EncodedFrame latestFrame() {
        return latest.get();
    }

    public Camera.CameraState cameraState() {
        return cameraState;
    }

    public String cameraDetail() {
        return cameraDetail;
    }

    /** Called after each frame has been handed out (metrics). */
    public void onEachFrame(Runnable hook) {
        this.onFrameHook = hook;
    }

    @Override
    public void onFrame(EncodedFrame frame) {
        synchronized (lock) {
            gop.add(frame);
            latest.set(frame);
            for (Subscriber s : subscribers) {
                s.offer(frame);
            }
        }
        cameraState = Camera.CameraState.RUNNING;
        onFrameHook.run();
    }

    @Override
    public void onState(Camera.CameraState state, String detail) {
        cameraState = state;
        cameraDetail = detail == null ? "" : detail;
    }

    /** Frames since the last IDR, bounded so a camera that never sends one cannot grow it without limit. */
    static final class GroupOfPictures {
        private final int maxFrames;
        private final long maxBytes;
        private final List<EncodedFrame> frames = new ArrayList<>();
        private long bytes;

        GroupOfPictures(int maxFrames, long maxBytes) {
            this.maxFrames = maxFrames;
            this.maxBytes = maxBytes;
        }

        void add(EncodedFrame frame) {
            if (frame.keyframe()) {
                frames.clear();
                bytes = 0;
            } else if (frames.isEmpty()) {
                return; // nothing decodable before the first IDR
            }
            if (frames.size() >= maxFrames || bytes + frame.accessUnit().size() > maxBytes) {
                frames.clear(); // too long to replay usefully; wait for the next IDR
                bytes = 0;
                return;
            }
            frames.add(frame);
            bytes += frame.accessUnit().size();
        }

        List<EncodedFrame> frames() {
            return frames;
        }
    }
}
