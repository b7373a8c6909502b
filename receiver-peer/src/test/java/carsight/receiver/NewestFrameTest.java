package carsight.receiver;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class NewestFrameTest {

    private final List<String> released = new ArrayList<>();
    private final NewestFrame<String> slot = new NewestFrame<>(f -> {
        synchronized (released) {
            released.add(f);
        }
    });

    @Test
    void theNewestWinsAndTheReplacedOneIsReleased() {
        slot.put("frame 1", 1_000);
        slot.put("frame 2", 2_000);
        assertThat(released).containsExactly("frame 1");
        NewestFrame.Arrival<String> taken = slot.take();
        assertThat(taken).isEqualTo(new NewestFrame.Arrival<>("frame 2", 2_000));
        assertThat(slot.take()).as("taken once").isNull();
        assertThat(released).as("a taken frame is the taker's to release").containsExactly("frame 1");
    }

    @Test
    void clearReleasesAFrameNobodyTook() {
        slot.put("frame 1", 1_000);
        slot.clear();
        slot.clear();
        assertThat(released).containsExactly("frame 1");
        assertThat(slot.take()).isNull();
    }

    /** A decoder thread putting while a renderer takes: each frame keeps its own time, and each is released or taken once. */
    @Test
    void aFrameIsNeverPairedWithAnotherFramesTime() throws Exception {
        int frames = 200_000;
        AtomicLong mismatched = new AtomicLong();
        AtomicLong taken = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        Thread decoder = new Thread(() -> {
            for (int i = 0; i < frames; i++) {
                slot.put("f" + i, i);
            }
            done.countDown();
        });
        Thread renderer = new Thread(() -> {
            while (done.getCount() > 0) {
                NewestFrame.Arrival<String> a = slot.take();
                if (a != null) {
                    taken.incrementAndGet();
                    if (!a.frame().equals("f" + a.sinkMicros())) {
                        mismatched.incrementAndGet();
                    }
                }
            }
        });
        decoder.start();
        renderer.start();
        decoder.join();
        renderer.join();
        NewestFrame.Arrival<String> last = slot.take();
        long total = taken.get() + released.size() + (last == null ? 0 : 1);
        assertThat(mismatched.get()).isZero();
        assertThat(total).as("every frame taken or released exactly once").isEqualTo(frames);
    }
}
