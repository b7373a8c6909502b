package carsight.console;

import carsight.console.peer.StreamerLink;
import carsight.console.ui.ConsoleModel;
import carsight.protocol.latency.LatencySummary;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The JSON an unattended run ({@code --duration S --report FILE}) leaves behind; field names are a contract:
 * framesRendered, durationS, firstFrameMs, reconnects, latencyMs{p50,p95,max}, truthLatencyMs{p50,p95,max} or null,
 * meterErrorMs{p50,p95,max} (|meter − truth| per frame with a timecode) or null,
 * speedMps, blindDistanceM{p50,p95}; and the age of the picture on screen over time, by the meter (ageMs) and by the
 * timecode (truthAgeMs, else null): {p50, p95, max, share200, share300, share500 (0..1 of the time), seconds,
 * longestGapMs (the longest time without a new picture)}.
 */
public final class RunReport {

    private RunReport() {
    }

    public static void write(Path file, ConsoleModel model, StreamerLink link, double durationSeconds) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("framesRendered", link == null ? 0 : link.framesShown());
        root.put("durationS", Math.round(durationSeconds * 10) / 10.0);
        if (link == null || link.firstFrameMillis() < 0) {
            root.putNull("firstFrameMs");
        } else {
            root.put("firstFrameMs", link.firstFrameMillis());
        }
        root.put("reconnects", link == null ? 0 : link.reconnects());
        summary(root, "latencyMs", model.latencySummary(), true);
        summary(root, "truthLatencyMs", model.truthSummary(), true);
        summary(root, "meterErrorMs", model.meterErrorSummary(), true);
        age(root, "ageMs", model.ageSummary());
        age(root, "truthAgeMs", model.truthAgeSummary());
        // the last minute of per-frame truth, [Unix ms, ms], for plots
        com.fasterxml.jackson.databind.node.ArrayNode series = root.putArray("truthSeries");
        for (double[] s : model.truthSeries(System.currentTimeMillis())) {
            series.addArray().add((long) s[0]).add(Math.round(s[1] * 10) / 10.0);
        }
        root.put("speedMps", Math.round(model.speedProperty().get().metresPerSecond() * 1000) / 1000.0);
        summary(root, "blindDistanceM", model.distanceSummary(), false);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, json.writeValueAsString(root));
    }

    private static void summary(ObjectNode root, String name, Optional<LatencySummary> summary, boolean withMax) {
        if (summary.isEmpty()) {
            root.putNull(name);
            return;
        }
        ObjectNode node = root.putObject(name);
        node.put("p50", round(summary.get().p50()));
        node.put("p95", round(summary.get().p95()));
        if (withMax) {
            node.put("max", round(summary.get().max()));
        }
    }

    private static void age(ObjectNode root, String name, Optional<carsight.protocol.latency.PictureAge.Summary> summary) {
        if (summary.isEmpty()) {
            root.putNull(name);
            return;
        }
        carsight.protocol.latency.PictureAge.Summary s = summary.get();
        ObjectNode node = root.putObject(name);
        node.put("p50", round(s.p50()));
        node.put("p95", round(s.p95()));
        node.put("max", round(s.max()));
        node.put("share200", Math.round(s.share200() * 10000) / 10000.0);
        node.put("share300", Math.round(s.share300() * 10000) / 10000.0);
        node.put("share500", Math.round(s.share500() * 10000) / 10000.0);
        node.put("seconds", round(s.seconds()));
        node.put("longestGapMs", round(s.longestGapMs()));
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
