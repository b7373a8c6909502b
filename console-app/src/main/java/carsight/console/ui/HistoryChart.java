package carsight.console.ui;

import carsight.protocol.latency.LatencySummary;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;

import java.util.Locale;
import java.util.Optional;

/** Latency (ms) and blind distance (m × 100, same axis) over the last 60 s, with p50/p95. Refreshed once a second. */
public final class HistoryChart extends VBox {

    private final ConsoleModel model;
    private final XYChart.Series<Number, Number> latency = new XYChart.Series<>();
    private final XYChart.Series<Number, Number> distance = new XYChart.Series<>();
    private final Label summary = new Label();

    public HistoryChart(ConsoleModel model) {
        this.model = model;
        getStyleClass().add("history");
        NumberAxis x = new NumberAxis(-60, 0, 10);
        x.setLabel("seconds ago");
        NumberAxis y = new NumberAxis();
        y.setLabel("ms  ·  cm");
        y.setForceZeroInRange(true);
        LineChart<Number, Number> chart = new LineChart<>(x, y);
        chart.setAnimated(false);
        chart.setCreateSymbols(false);
        chart.setLegendVisible(true);
        latency.setName("latency (ms)");
        distance.setName("blind distance (cm)");
        chart.getData().add(latency);
        chart.getData().add(distance);
        chart.setPrefHeight(190);
        summary.getStyleClass().add("caption");
        getChildren().addAll(summary, chart);
    }

    public void refresh(long nowMillis) {
        latency.getData().setAll(points(model.latencySeries(nowMillis), nowMillis, 1));
        distance.getData().setAll(points(model.distanceSeries(nowMillis), nowMillis, 100));
        Optional<LatencySummary> s = model.recentLatency(nowMillis);
        summary.setText(s.map(v -> String.format(Locale.ROOT, "last 60 s: p50 %.0f ms · p95 %.0f ms · max %.0f ms",
                v.p50(), v.p95(), v.max())).orElse("last 60 s: no frames yet"));
    }

    private static java.util.List<XYChart.Data<Number, Number>> points(double[][] series, long now, double scale) {
        java.util.List<XYChart.Data<Number, Number>> out = new java.util.ArrayList<>();
        int step = Math.max(1, series.length / 300);
        for (int i = 0; i < series.length; i += step) {
            out.add(new XYChart.Data<>((series[i][0] - now) / 1000.0, series[i][1] * scale));
        }
        return out;
    }
}
