package carsight.console.ui;

import carsight.receiver.LinkState;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

/** Link state in plain words, the candidate type in use, and the receive statistics. */
public final class StatusBar extends HBox {

    public StatusBar(ConsoleModel model) {
        super(12);
        getStyleClass().add("status-bar");
        Label state = new Label();
        state.setId("status");
        state.textProperty().bind(model.linkStateProperty());
        model.linkProperty().addListener((obs, old, link) -> {
            state.getStyleClass().removeAll("state-live", "state-bad");
            state.getStyleClass().add(link == LinkState.LIVE ? "state-live" : "state-bad");
        });
        Label detail = new Label();
        detail.getStyleClass().add("caption");
        detail.textProperty().bind(model.linkDetailProperty());
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        Label stats = new Label();
        stats.getStyleClass().add("caption");
        stats.textProperty().bind(model.statsTextProperty());
        Label stream = new Label();
        stream.getStyleClass().add("caption");
        stream.textProperty().bind(model.streamTextProperty());
        Label path = new Label();
        path.setId("path");
        path.getStyleClass().add("caption");
        path.textProperty().bind(model.pathTextProperty());
        Label certificate = new Label();
        certificate.setId("certificate");
        certificate.getStyleClass().add("caption");
        certificate.textProperty().bind(model.certificateProperty());
        getChildren().addAll(state, detail, grow, certificate, stream, path, stats);
    }
}
