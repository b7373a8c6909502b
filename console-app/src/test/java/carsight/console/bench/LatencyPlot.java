package carsight.console.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws the latency lab's per-frame truth (capture → screen, from the timecode) over time, two panels per picture
 * size, one per phase of the lab: the console, the console without playout-delay and Chromium over WHEP; then Chromium
 * over WHEP, through Janus and on the streamer's page. A receiver or phase missing from the file is left out.
 * Usage: {@code LatencyPlot LAB.json OUT.png}.
 */
public final class LatencyPlot {

    private static final Color BACKGROUND = new Color(0x11, 0x18, 0x22);
    private static final Color GRID = new Color(0x2a, 0x35, 0x44);
    private static final Color TEXT = new Color(0xe8, 0xee, 0xf5);
    private static final Color CHROMIUM = new Color(0x3d, 0xdc, 0x84);

    /** One line: a receiver's field in its phase ({@code truthSeries}: [Unix ms, ms] pairs). */
    private record Receiver(String name, String field, Color color) {
    }

    /** A phase of a lab row: where its receivers sit in the row ("" for the row itself), and which they are. */
    private record Phase(String name, String path, List<Receiver> receivers) {
    }

    private static final List<Phase> PHASES = List.of(
            new Phase("consoles", "", List.of(
                    new Receiver("console", "console", new Color(0x3d, 0x9b, 0xe9)),
                    new Receiver("console, no playout-delay", "consoleNoPlayoutDelay", new Color(0xf2, 0xb3, 0x3d)),
                    new Receiver("Chromium (WHEP)", "chromium", CHROMIUM))),
            new Phase("browsers", "browsers", List.of(
                    new Receiver("Chromium (WHEP)", "chromiumWhep", CHROMIUM),
                    new Receiver("Chromium via Janus", "chromiumJanus", new Color(0xe0, 0x5a, 0x8c)),
                    new Receiver("Chromium, the page", "chromiumPage", new Color(0xb0, 0x8c, 0xf0)))));

    public static void main(String[] args) throws IOException {
        JsonNode lab = new ObjectMapper().readTree(new File(args[0]));
        List<String> titles = new ArrayList<>();
        List<List<List<double[]>>> panels = new ArrayList<>();
        List<Phase> phases = new ArrayList<>();
        for (JsonNode row : lab.path("rows")) {
            for (Phase phase : PHASES) {
                JsonNode node = phase.path().isEmpty() ? row : row.path(phase.path());
                List<List<double[]>> series = new ArrayList<>();
                for (Receiver receiver : phase.receivers()) {
                    series.add(points(node.path(receiver.field()).path("truthSeries")));
                }
                if (series.stream().allMatch(List::isEmpty)) {
                    continue;
                }
                alignToFirstFrame(series);
                titles.add(row.path("config").asText() + " · " + phase.name());
                panels.add(series);
                phases.add(phase);
            }
        }
        int panelW = 1400;
        int panelH = 280;
        BufferedImage image = new BufferedImage(panelW, 75 + panelH * Math.max(1, panels.size()), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(BACKGROUND);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
        g.setColor(TEXT);
        g.drawString("capture → screen latency per frame, read from the test pattern's timecode", 20, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        g.drawString(lab.path("command").asText() + " · " + lab.path("date").asText()
                + " · in each panel the receivers watch one streamer at once"
                + (phases.contains(PHASES.get(1)) ? " (Janus: fed by its --rtp-forward)" : ""), 20, 52);
        for (int i = 0; i < panels.size(); i++) {
            panel(g, 0, 75 + i * panelH, panelW, panelH, titles.get(i), phases.get(i).receivers(), panels.get(i));
        }
        g.dispose();
        ImageIO.write(image, "png", new File(args[1]));
    }

    /** Puts the series of one phase on one clock: seconds since the first frame any of them showed. */
    private static void alignToFirstFrame(List<List<double[]>> series) {
        double start = Double.MAX_VALUE;
        for (List<double[]> s : series) {
            for (double[] p : s) {
                start = Math.min(start, p[0]);
            }
        }
        for (List<double[]> s : series) {
            for (double[] p : s) {
                p[0] -= start;
            }
        }
    }

    /** [Unix ms, ms] pairs as [Unix s, ms]. */
    private static List<double[]> points(JsonNode array) {
        List<double[]> out = new ArrayList<>();
        array.forEach(p -> out.add(new double[] {p.get(0).asDouble() / 1000, p.get(1).asDouble()}));
        return out;
    }

    private static void panel(Graphics2D g, int x0, int y0, int w, int h, String title, List<Receiver> receivers,
                              List<List<double[]>> series) {
        int left = x0 + 80;
        int right = x0 + w - 30;
        int top = y0 + 30;
        int bottom = y0 + h - 40;
        double maxT = 1;
        double maxMs = 50;
        for (List<double[]> s : series) {
            for (double[] p : s) {
                maxT = Math.max(maxT, p[0]);
            }
        }
        List<Double> all = new ArrayList<>();
        for (List<double[]> s : series) {
            for (double[] p : s) {
                all.add(p[1]);
            }
        }
        all.sort(Double::compare);
        if (!all.isEmpty()) { // scale to the 99th percentile so a start-up spike does not flatten the rest
            maxMs = Math.max(maxMs, Math.ceil(all.get((int) (all.size() * 0.99) - (all.size() >= 100 ? 1 : 0)) / 25) * 25 + 25);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        g.setStroke(new BasicStroke(1));
        int step = maxMs <= 200 ? 25 : maxMs <= 400 ? 50 : maxMs <= 1000 ? 100 : 250;
        for (int ms = 0; ms <= maxMs; ms += step) {
            int y = (int) (bottom - ms / maxMs * (bottom - top));
            g.setColor(GRID);
            g.drawLine(left, y, right, y);
            g.setColor(TEXT);
            g.drawString(ms + " ms", x0 + 20, y + 5);
        }
        for (int s = 0; s <= maxT; s += 5) {
            int x = (int) (left + s / maxT * (right - left));
            g.setColor(GRID);
            g.drawLine(x, top, x, bottom);
            g.setColor(TEXT);
            g.drawString(s + " s", x - 8, bottom + 18);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, left, top - 8);
        int legendX = left + g.getFontMetrics().stringWidth(title) + 30;
        for (int i = 0; i < series.size(); i++) {
            if (series.get(i).isEmpty()) {
                continue;
            }
            g.setColor(receivers.get(i).color());
            g.fillRect(legendX, top - 20, 14, 14);
            g.setColor(TEXT);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
            String label = receivers.get(i).name() + String.format(Locale.ROOT, " (p50 %s ms)", median(series.get(i)));
            g.drawString(label, legendX + 20, top - 8);
            legendX += 36 + g.getFontMetrics().stringWidth(label);
        }
        for (int i = 0; i < series.size(); i++) {
            g.setColor(receivers.get(i).color());
            g.setStroke(new BasicStroke(1.6f));
            int px = -1;
            int py = -1;
            for (double[] p : series.get(i)) {
                int x = (int) (left + p[0] / maxT * (right - left));
                int y = (int) (bottom - Math.min(p[1], maxMs) / maxMs * (bottom - top));
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
        }
    }

    private static String median(List<double[]> s) {
        if (s.isEmpty()) {
            return "-";
        }
        double[] v = s.stream().mapToDouble(p -> p[1]).sorted().toArray();
        return String.format(Locale.ROOT, "%.0f", v[v.length / 2]);
    }
}
