package carsight.console.video;

import javafx.scene.Scene;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The hand-off of decoded pictures to the screen never freezes: a picture whose link is gone when it is drawn (the
 * operator reconnected while it was on its way) is released, and the pictures after it are still drawn.
 */
@ExtendWith(ApplicationExtension.class)
class VideoPaneTest {

    VideoPane pane;
    final List<String> events = new CopyOnWriteArrayList<>();

    @Start
    void start(Stage stage) {
        pane = new VideoPane();
        stage.setScene(new Scene(new StackPane(pane), 320, 240));
        stage.show();
    }

    /** A 64x48 grey picture that records what became of it; {@code closedLink}: it fails as a closed link's did. */
    final class FakePicture implements Picture {
        final String name;
        final boolean closedLink;

        FakePicture(String name, boolean closedLink) {
            this.name = name;
            this.closedLink = closedLink;
        }

        @Override
        public int width() {
            return 64;
        }

        @Override
        public int height() {
            return 48;
        }

        @Override
        public void writeBgra(ByteBuffer bgra) {
            while (bgra.hasRemaining()) {
                bgra.put((byte) 0x80);
            }
        }

        @Override
        public void shown(long screenMicros) {
            events.add(name + " shown");
            if (closedLink) {
                throw new RejectedExecutionException("the link's executor has been shut down");
            }
        }

        @Override
        public void discard() {
            events.add(name + " discarded");
        }
    }

    static final class FakeSource implements Picture.Source {
        final ConcurrentLinkedQueue<Picture> pictures = new ConcurrentLinkedQueue<>();

        @Override
        public Picture takeNewest() {
            return pictures.poll();
        }
    }

    void offer(VideoPane pane, FakeSource source, Picture picture) {
        source.pictures.add(picture);
        pane.frameReady();
    }

    @Test
    void aPictureWhoseLinkIsGoneWhenDrawnDoesNotFreezeThePicturesAfterIt() {
        FakeSource link = new FakeSource();
        pane.attach(link);
        offer(pane, link, new FakePicture("1", true));
        await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("1 shown"));
        offer(pane, link, new FakePicture("2", false));
        await("the picture after it is drawn too").atMost(Duration.ofSeconds(10)).until(() -> events.contains("2 shown"));
        offer(pane, link, new FakePicture("3", false));
        await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("3 shown"));
        assertThat(events).containsExactly("1 shown", "2 shown", "3 shown");
    }

    @Test
    void aPictureOfTheOldLinkIsDiscardedOnceANewLinkIsAttached() {
        FakeSource old = new FakeSource();
        pane.attach(old);
        old.pictures.add(new FakePicture("old", false));
        FakeSource fresh = new FakeSource();
        // the old link's picture is converted and waits for its pulse while the operator reconnects
        javafx.application.Platform.runLater(() -> {
            pane.frameReady();
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty() || old.pictures.isEmpty());
        pane.attach(fresh);
        offer(pane, fresh, new FakePicture("new", false));
        await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("new shown"));
        assertThat(events).as("the old one released either way, the new one drawn")
                .containsAnyOf("old shown", "old discarded").contains("new shown");
    }
}
