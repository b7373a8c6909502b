package carsight.console.ui;

import carsight.protocol.latency.LatencySummary;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;

import java.util.Locale;
import java.util.Optional;

/**
 * The picture's age over time (ms), each frame's latency (ms) and the blind distance (m × 100, same axis) over the last
 * 60 s, with the age's p50/p95 and the share of the time it was at most 300 ms old. Refreshed once a second.
 */
public final class HistoryChart extends VBox {

    private final ConsoleModel model;
    private final XYChart.Series<Number, Number> age = new XYChart.Series<>();
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
        age.setName("picture age (ms)");
        latency.setName("frames (ms)");
        distance.setName("blind distance (cm)");
        chart.getData().add(age);
        chart.getData().add(latency);
        chart.getData().add(distance);
        chart.setPrefHeight(190);
        summary.getStyleClass().add("caption");
        summary.setWrapText(true);
        getChildren().addAll(summary, chart);
    }

    public void refresh(long nowMillis) {
        double[][] ages = model.ageSeries(nowMillis);
        age.getData().setAll(points(ages, nowMillis, 1));
        latency.getData().setAll(points(model.latencySeries(nowMillis), nowMillis, 1));
        distance.getData().setAll(points(model.distanceSeries(nowMillis), nowMillis, 100));
        summary.setText(describe(ages, model.recentLatency(nowMillis)));
    }

    /** The age over the last 60 s (its points are evenly spaced in time, so shares of points are shares of time). */
    static String describe(double[][] ages, Optional<LatencySummary> frames) {
        if (ages.length == 0) {
            return "last 60 s: no picture yet";
        }
        double[] sorted = java.util.Arrays.stream(ages).mapToDouble(p -> p[1]).sorted().toArray();
        long fresh = java.util.Arrays.stream(sorted).filter(v -> v <= 300).count();
        return String.format(Locale.ROOT, "last 60 s: age p50 %.0f ms · p95 %.0f ms · ≤ 300 ms %.0f %% of the time",
                sorted[(int) Math.max(0, Math.ceil(0.5 * sorted.length) - 1)],
                sorted[(int) Math.max(0, Math.ceil(0.95 * sorted.length) - 1)], 100.0 * fresh / sorted.length)
                + frames.map(v -> String.format(Locale.ROOT, "\nframes p50 %.0f ms · p95 %.0f ms", v.p50(), v.p95()))
                .orElse("");
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
