package carsight.console.ui;

import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

import java.util.Locale;

/**
 * The latency meter: in large type how old the picture on screen is now (capture → now, growing while the picture is
 * frozen); beside it the recent frames' capture → screen median, its ± uncertainty from clock sync, and a bar that
 * splits a frame's time into camera → sent, network, receiver (jitter buffer + decode) and on screen.
 */
public final class LatencyGauge extends VBox {

    public LatencyGauge(ConsoleModel model) {
        getStyleClass().add("latency-gauge");
        Label title = new Label("LATENCY  age of the picture on screen");
        title.getStyleClass().add("caption");
        Label value = new Label();
        value.getStyleClass().add("latency-value");
        value.setId("latency");
        value.textProperty().bind(Bindings.createStringBinding(() -> {
            double ms = model.ageMsProperty().get();
            return Double.isNaN(ms) ? "— ms" : String.format(Locale.ROOT, "%.0f ms", ms);
        }, model.ageMsProperty()));
        model.staleProperty().addListener((obs, was, now) -> {
            if (now) {
                value.getStyleClass().add("latency-stale");
            } else {
                value.getStyleClass().remove("latency-stale");
            }
        });
        Label frames = new Label();
        frames.getStyleClass().add("caption");
        frames.setId("frame-latency");
        frames.setWrapText(true);
        frames.textProperty().bind(Bindings.createStringBinding(() -> {
            double ms = model.latencyMsProperty().get();
            return Double.isNaN(ms) ? "frames: none yet"
                    : String.format(Locale.ROOT, "frames %.0f ms capture → screen (last 9)", ms);
        }, model.latencyMsProperty()));
        Label uncertainty = new Label();
        uncertainty.getStyleClass().add("caption");
        uncertainty.textProperty().bind(Bindings.createStringBinding(() -> {
            double u = model.uncertaintyMsProperty().get();
            double t = model.truthMsProperty().get();
            String clock = Double.isNaN(u) ? "clock sync pending" : u < 0 ? "car's clock taken as ours (NTP)"
                    : String.format(Locale.ROOT, "± %.1f ms clock sync", u);
            return Double.isNaN(t) ? clock : clock + String.format(Locale.ROOT, " · timecode truth %.0f ms", t);
        }, model.uncertaintyMsProperty(), model.truthMsProperty()));

        HBox bar = new HBox();
        bar.getStyleClass().add("breakdown-bar");
        bar.setPrefHeight(14);
        HBox legend = new HBox(10);
        legend.setAlignment(Pos.CENTER_LEFT);
        String[] names = {"camera", "network", "buffer+decode", "screen"};
        javafx.beans.property.DoubleProperty[] parts = {model.cameraMsProperty(), model.networkMsProperty(),
                model.receiverMsProperty(), model.screenMsProperty()};
        for (int i = 0; i < names.length; i++) {
            Region segment = new Region();
            segment.getStyleClass().addAll("segment", "segment-" + i);
            javafx.beans.property.DoubleProperty part = parts[i];
            segment.prefWidthProperty().bind(Bindings.createDoubleBinding(() -> {
                double total = 0;
                for (javafx.beans.property.DoubleProperty p : parts) {
                    total += Math.max(0, p.get());
                }
                return total <= 0 ? 0 : bar.getWidth() * Math.max(0, part.get()) / total;
            }, model.cameraMsProperty(), model.networkMsProperty(), model.receiverMsProperty(), model.screenMsProperty(),
                    bar.widthProperty()));
            bar.getChildren().add(segment);
            Label key = new Label();
            key.getStyleClass().addAll("legend", "legend-" + i);
            String name = names[i];
            key.textProperty().bind(Bindings.createStringBinding(
                    () -> String.format(Locale.ROOT, "%s %.0f", name, part.get()), part));
            legend.getChildren().add(key);
        }
        HBox.setHgrow(bar, Priority.ALWAYS);
        getChildren().addAll(title, value, frames, uncertainty, bar, legend);
    }
}
