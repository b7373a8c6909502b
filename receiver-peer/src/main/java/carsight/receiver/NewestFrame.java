package carsight.receiver;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The newest decoded frame, waiting to be drawn, with the moment it left the decoder — one value, so a frame is never
 * paired with another frame's time. Newest wins: a frame that is replaced before anyone took it is released here.
 *
 * @param <F> the frame (libwebrtc's {@code VideoFrame} in the console)
 */
public final class NewestFrame<F> {

    /** A decoded frame and when the sink got it (µs since the epoch). Whoever takes it must release the frame. */
    public record Arrival<F>(F frame, long sinkMicros) {
    }

    private final AtomicReference<Arrival<F>> slot = new AtomicReference<>();
    private final Consumer<F> release;

    /** @param release gives a frame's memory back (for libwebrtc frames, {@code VideoFrame::release}) */
    public NewestFrame(Consumer<F> release) {
        this.release = release;
    }

    /** Keeps {@code frame}, releasing the one it replaces. */
    public void put(F frame, long sinkMicros) {
        Arrival<F> previous = slot.getAndSet(new Arrival<>(frame, sinkMicros));
        if (previous != null) {
            release.accept(previous.frame());
        }
    }

    /** The newest frame, now the caller's, or null. */
    public Arrival<F> take() {
        return slot.getAndSet(null);
    }

    /** Releases a frame nobody took. */
    public void clear() {
        Arrival<F> stale = slot.getAndSet(null);
        if (stale != null) {
            release.accept(stale.frame());
        }
    }
}
