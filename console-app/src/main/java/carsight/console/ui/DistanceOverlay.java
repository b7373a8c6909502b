package carsight.console.ui;

import carsight.protocol.speed.DistanceLevel;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;

/**
 * The blind distance over the video, e.g. {@code 112 ms × 13.9 m/s = 1.56 m}, coloured by its level; and at the top,
 * while the link is too narrow for the stream, that frames are being skipped to stay live.
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
        StackPane.setAlignment(narrow, Pos.TOP_CENTER);
        getChildren().addAll(label, narrow);
    }

    private static void style(Label label, DistanceLevel level) {
        label.getStyleClass().removeAll("level-green", "level-amber", "level-red");
        label.getStyleClass().add("level-" + level.name().toLowerCase());
    }
}
