package carsight.console.peer;

import carsight.console.video.Picture;
import carsight.protocol.timecode.TimecodeWord;
import carsight.receiver.ReceiverPeer;
import dev.onvoid.webrtc.media.FourCC;
import dev.onvoid.webrtc.media.video.VideoBufferConverter;
import dev.onvoid.webrtc.media.video.VideoFrame;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A decoded libwebrtc frame handed to the renderer. It is released exactly once, whichever of {@link #shown} and
 * {@link #discard} is called; its timecode (test pattern only) is read before that, and the owner hears when it
 * reached the screen.
 */
final class DecodedFrame implements Picture {

    /** Who counts and times the frames shown. */
    interface Owner {
        /** The link is gone (the operator reconnected): its frames are released and otherwise ignored. */
        boolean closed();

        void shown(long sinkMicros, long screenMicros, Optional<TimecodeWord.Timecode> timecode);
    }

    private final VideoFrame frame;
    private final long sinkMicros;
    private final Owner owner;
    private final AtomicBoolean released = new AtomicBoolean();

    DecodedFrame(VideoFrame frame, long sinkMicros, Owner owner) {
        this.frame = frame;
        this.sinkMicros = sinkMicros;
        this.owner = owner;
    }

    @Override
    public int width() {
        return frame.buffer.getWidth();
    }

    @Override
    public int height() {
        return frame.buffer.getHeight();
    }

    @Override
    public void writeBgra(ByteBuffer bgra) {
        try {
            // libyuv's FourCC names: ARGB is the bytes B, G, R, A — JavaFX's ByteBgraPre for an opaque picture
            VideoBufferConverter.convertFromI420(frame.buffer, bgra, FourCC.ARGB);
        } catch (Exception e) {
            throw new IllegalStateException("cannot convert a frame: " + e, e);
        }
    }

    /** It is on screen: reads its timecode, releases it, then tells the owner. */
    @Override
    public void shown(long screenMicros) {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        boolean gone = owner.closed();
        Optional<TimecodeWord.Timecode> timecode;
        try {
            timecode = gone ? Optional.empty() : ReceiverPeer.timecodeOf(frame);
        } finally {
            frame.release();
        }
        if (!gone) {
            owner.shown(sinkMicros, screenMicros, timecode);
        }
    }

    /** Releases a frame that will not be shown. */
    @Override
    public void discard() {
        if (released.compareAndSet(false, true)) {
            frame.release();
        }
    }
}
