package carsight.console.ui;

import carsight.protocol.speed.DistanceLevel;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;

/**
 * The blind distance over the video, e.g. {@code 112 ms × 13.9 m/s = 1.56 m} (the age of the picture on screen × the
 * speed), coloured by its level; at the top, as soon as the picture stops changing, how long it has been frozen (the
 * picture dimmed, still visible), and while the link is too narrow for the stream, that frames are being skipped.
 */
public final class DistanceOverlay extends StackPane {

    public DistanceOverlay(ConsoleModel model) {
        setPickOnBounds(false);
        Label label = new Label();
        label.setId("distance");
        label.getStyleClass().add("distance-overlay");
        label.textProperty().bind(model.distanceTextProperty());
        model.levelProperty().addListener((obs, old, level) -> style(label, level));
        style(label, model.levelProperty().get());
        StackPane.setAlignment(label, Pos.BOTTOM_CENTER);
        Label narrow = new Label("link too narrow — skipping to fresh frames");
        narrow.setId("narrow");
        narrow.getStyleClass().addAll("distance-overlay", "level-amber", "narrow-banner");
        narrow.visibleProperty().bind(model.narrowProperty());
        Label stale = new Label();
        stale.setId("stale");
        stale.getStyleClass().addAll("distance-overlay", "level-red", "stale-banner");
        stale.textProperty().bind(model.staleTextProperty());
        stale.visibleProperty().bind(model.staleProperty());
        javafx.scene.layout.VBox banners = new javafx.scene.layout.VBox(6, stale, narrow);
        banners.setAlignment(Pos.TOP_CENTER);
        banners.setPickOnBounds(false);
        stale.managedProperty().bind(stale.visibleProperty());
        narrow.managedProperty().bind(narrow.visibleProperty());
        javafx.scene.layout.Region veil = new javafx.scene.layout.Region();
        veil.getStyleClass().add("stale-veil");
        veil.visibleProperty().bind(model.staleProperty());
        veil.setMouseTransparent(true);
        getChildren().addAll(veil, label, banners);
    }

    private static void style(Label label, DistanceLevel level) {
        label.getStyleClass().removeAll("level-green", "level-amber", "level-red");
        label.getStyleClass().add("level-" + level.name().toLowerCase());
    }
}
