package carsight.console.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws the road benchmark's picture age over time ({@code ageSeries}: [s since the window opened, ms] pairs, from
 * bench/road/metrics.py): one panel per scenario in the order they first appear, two panels a row, one line per
 * sender × receiver — a colour per sender, solid for Chromium and dashed for the console — on a fixed 0..3000 ms
 * scale (older is drawn at the top edge) with the 300 ms mark dashed. Each legend entry gives the share of the time the
 * picture was at most 300 ms old ({@code freshShare300}) and the age's p95 ({@code ageP95Ms}).
 * Usage: {@code RoadPlot ROAD.json OUT.png}.
 */
public final class RoadPlot {

    private static final Color BACKGROUND = new Color(0x11, 0x18, 0x22);
    private static final Color GRID = new Color(0x2a, 0x35, 0x44);
    private static final Color TEXT = new Color(0xe8, 0xee, 0xf5);
    private static final Color MUTED = new Color(0x9a, 0xa8, 0xb8);
    private static final Color MARK = new Color(0xe0, 0x5a, 0x5a);

    /** Fixed colours of the known senders; others take the spare ones in order of appearance. */
    private static final Map<String, Color> SENDERS = Map.of(
            "carsight", new Color(0x3d, 0x9b, 0xe9),
            "carsight-pi-like", new Color(0xf2, 0xb3, 0x3d),
            "libwebrtc", new Color(0x3d, 0xdc, 0x84));
    private static final List<String> SENDER_ORDER = List.of("carsight", "carsight-pi-like", "libwebrtc");
    private static final List<Color> SPARE = List.of(new Color(0xb0, 0x8c, 0xf0), new Color(0x5a, 0xd0, 0xd0),
            new Color(0xd0, 0xd0, 0x70), new Color(0xe0, 0x5a, 0x8c));

    private static final double MAX_MS = 3000;
    private static final int PANEL_W = 780;
    private static final int PANEL_H = 500;
    private static final int HEADER = 98;

    /** One line: a row of the file. */
    private record Line(String sender, String receiver, List<double[]> points, JsonNode row) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: RoadPlot ROAD.json OUT.png");
            System.exit(2);
        }
        JsonNode road = new ObjectMapper().readTree(new File(args[0]));
        Map<String, List<Line>> scenarios = new LinkedHashMap<>();
        Map<String, Color> colors = new LinkedHashMap<>(SENDERS);
        for (JsonNode row : road.path("rows")) {
            String sender = row.path("sender").asText("?");
            if (!colors.containsKey(sender)) {
                colors.put(sender, SPARE.get((colors.size() - SENDERS.size()) % SPARE.size()));
            }
            scenarios.computeIfAbsent(row.path("scenario").asText("?"), k -> new ArrayList<>())
                    .add(new Line(sender, row.path("receiver").asText("?"), points(row.path("ageSeries")), row));
        }
        for (List<Line> lines : scenarios.values()) { // known senders first, then Chromium before the console
            lines.sort((x, y) -> x.sender().equals(y.sender())
                    ? Integer.compare(receiverRank(x.receiver()), receiverRank(y.receiver()))
                    : Integer.compare(senderRank(x.sender()), senderRank(y.sender())));
        }
        int rows = Math.max(1, (scenarios.size() + 1) / 2);
        int width = PANEL_W * (scenarios.size() > 1 ? 2 : 1);
        BufferedImage image = new BufferedImage(width, HEADER + PANEL_H * rows, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setColor(BACKGROUND);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
        g.setColor(TEXT);
        g.drawString("the picture's age on screen over time, on an emulated car uplink", 20, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        g.drawString("now − capture time of the picture shown, growing while no new picture comes", 20, 52);
        g.drawString("colour: sender · solid: Chromium, dashed: the console"
                + " · ≤300 ms: share of the time at most 300 ms old", 20, 70);
        String source = (road.path("command").asText("") + " · " + road.path("date").asText(""))
                .replaceAll("^ · | · $", "");
        if (!source.isBlank()) {
            g.setColor(MUTED);
            g.drawString(source, 20, 88);
        }
        int i = 0;
        for (Map.Entry<String, List<Line>> scenario : scenarios.entrySet()) {
            panel(g, (i % 2) * PANEL_W, HEADER + (i / 2) * PANEL_H, scenario.getKey(), scenario.getValue(), colors);
            i++;
        }
        g.dispose();
        ImageIO.write(image, "png", new File(args[1]));
    }

    private static int senderRank(String sender) {
        int i = SENDER_ORDER.indexOf(sender);
        return i < 0 ? SENDER_ORDER.size() : i;
    }

    private static int receiverRank(String receiver) {
        return "chromium".equals(receiver) ? 0 : "console".equals(receiver) ? 1 : 2;
    }

    /** Chromium solid, the console dashed, any other receiver dotted. */
    private static Stroke stroke(String receiver, float width) {
        return switch (receiver) {
            case "chromium" -> new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
            case "console" -> new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10,
                    new float[] {9, 6}, 0);
            default -> new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10,
                    new float[] {1, 5}, 0);
        };
    }

    /** [s, ms] pairs. */
    private static List<double[]> points(JsonNode array) {
        List<double[]> out = new ArrayList<>();
        array.forEach(p -> out.add(new double[] {p.get(0).asDouble(), p.get(1).asDouble()}));
        return out;
    }

    private static void panel(Graphics2D g, int x0, int y0, String title, List<Line> lines, Map<String, Color> colors) {
        List<String> senders = new ArrayList<>();
        List<String> receivers = new ArrayList<>();
        for (Line line : lines) {
            if (!senders.contains(line.sender())) {
                senders.add(line.sender());
            }
            if (!receivers.contains(line.receiver())) {
                receivers.add(line.receiver());
            }
        }
        receivers.sort((x, y) -> Integer.compare(receiverRank(x), receiverRank(y)));
        int left = x0 + 80;
        int right = x0 + PANEL_W - 25;
        int top = y0 + 36 + 19 * (senders.size() + 1) + 14;
        int bottom = y0 + PANEL_H - 40;
        double maxT = 1;
        for (Line line : lines) {
            for (double[] p : line.points()) {
                maxT = Math.max(maxT, p[0]);
            }
        }
        double step = tickStep(maxT);
        maxT = Math.ceil(maxT / step - 1e-9) * step; // the axis ends on a tick
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
        g.setColor(TEXT);
        g.drawString(title, x0 + 20, y0 + 24);

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int ms = 0; ms <= MAX_MS; ms += 500) {
            int y = y(ms, top, bottom);
            g.setColor(GRID);
            g.setStroke(new BasicStroke(1));
            g.drawLine(left, y, right, y);
            g.setColor(TEXT);
            String label = (ms == MAX_MS ? "≥" : "") + ms + " ms";
            g.drawString(label, left - 8 - g.getFontMetrics().stringWidth(label), y + 5);
        }
        for (double s = 0; s <= maxT + 1e-9; s += step) {
            int x = x(s, maxT, left, right);
            g.setColor(GRID);
            g.setStroke(new BasicStroke(1));
            g.drawLine(x, top, x, bottom);
            g.setColor(TEXT);
            String label = String.format(Locale.ROOT, "%.0f s", s);
            g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, bottom + 18);
        }
        g.setClip(left, top - 2, right - left + 1, bottom - top + 4);
        for (Line line : lines) {
            Path2D.Double path = new Path2D.Double(); // one path, so a dash pattern runs on across points
            boolean first = true;
            for (double[] p : line.points()) {
                double x = left + p[0] / maxT * (right - left);
                double y = bottom - Math.max(0, Math.min(p[1], MAX_MS)) / MAX_MS * (bottom - top);
                if (first) {
                    path.moveTo(x, y);
                    first = false;
                } else {
                    path.lineTo(x, y);
                }
            }
            g.setColor(colors.get(line.sender()));
            g.setStroke(stroke(line.receiver(), 2f));
            g.draw(path);
        }
        g.setClip(null);
        int mark = y(300, top, bottom); // over the lines, so it stays visible where they crowd
        g.setColor(MARK);
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10, new float[] {6, 5}, 0));
        g.drawLine(left, mark, right, mark);
        g.drawString("300", left - 8 - g.getFontMetrics().stringWidth("300"), mark + 5);

        // legend: a row per sender, a column per receiver (its line style in the header)
        int nameW = 150;
        int cellW = (PANEL_W - 40 - nameW) / Math.max(1, receivers.size());
        int ly = y0 + 48;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int c = 0; c < receivers.size(); c++) {
            int cx = x0 + 20 + nameW + c * cellW;
            g.setColor(MUTED);
            g.setStroke(stroke(receivers.get(c), 2.5f));
            g.drawLine(cx, ly - 5, cx + 30, ly - 5);
            g.drawString(receivers.get(c), cx + 38, ly);
        }
        for (int r = 0; r < senders.size(); r++) {
            int ry = ly + 19 * (r + 1);
            Color color = colors.get(senders.get(r));
            g.setColor(color);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            g.drawString(senders.get(r), x0 + 20, ry);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            for (Line line : lines) {
                if (!line.sender().equals(senders.get(r))) {
                    continue;
                }
                int cx = x0 + 20 + nameW + receivers.indexOf(line.receiver()) * cellW;
                g.setColor(color);
                g.setStroke(stroke(line.receiver(), 2.5f));
                g.drawLine(cx, ry - 5, cx + 30, ry - 5);
                g.setColor(TEXT);
                g.drawString(legend(line), cx + 38, ry);
            }
        }
    }

    private static String legend(Line line) {
        String text = "≤300 ms " + percent(line.row().path("freshShare300"));
        JsonNode p95 = line.row().path("ageP95Ms");
        text += p95.isNumber() ? String.format(Locale.ROOT, " · age p95 %.0f ms", p95.asDouble()) : " · age p95 –";
        return line.points().isEmpty() ? text + " (no series)" : text;
    }

    /** A share as a percentage; one decimal just under 100 % so an almost never stale line does not read 100 %. */
    private static String percent(JsonNode share) {
        if (!share.isNumber()) {
            return "–";
        }
        double p = share.asDouble() * 100;
        return p > 99.5 && p < 100 ? String.format(Locale.ROOT, "%.1f %%", Math.floor(p * 10) / 10)
                : String.format(Locale.ROOT, "%.0f %%", p);
    }

    private static double tickStep(double maxT) {
        for (double step : new double[] {1, 2, 5, 10, 15, 30, 60, 120, 300}) {
            if (maxT / step <= 12) {
                return step;
            }
        }
        return 600;
    }

    private static int x(double s, double maxT, int left, int right) {
        return (int) Math.round(left + s / maxT * (right - left));
    }

    private static int y(double ms, int top, int bottom) {
        return (int) Math.round(bottom - ms / MAX_MS * (bottom - top));
    }
}
