package carsight.streamer.camera;

import carsight.protocol.timecode.FrameTimecode;
import carsight.protocol.timecode.TimecodeWord;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Draws the test pattern: moving content (so an encoder has motion to code and a viewer sees a frozen picture at
 * once), the wall-clock time the frame was drawn, its number, and the frame timecode across the top row — the
 * ground truth every latency figure is checked against.
 */
final class TestPatternPainter {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private final int width;
    private final int height;
    private final BufferedImage image;
    private final int[] pixels;
    private final Font big;
    private final Font small;

    TestPatternPainter(int width, int height) {
        this.width = width;
        this.height = height;
        this.image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        this.pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        this.big = new Font(Font.MONOSPACED, Font.BOLD, Math.max(12, height / 8));
        this.small = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(10, height / 30));
    }

    /** Paints frame {@code counter} captured at {@code captureMicros}; returns the pixels as 0x00RRGGBB. */
    int[] paint(long captureMicros, long counter) {
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(new Color(18, 24, 38));
            g.fillRect(0, 0, width, height);
            int cell = FrameTimecode.cellSize(width);
            // a sweeping bar and a rotating hand: motion the viewer can read at a glance
            long millis = captureMicros / 1000;
            int barX = (int) ((millis / 4) % Math.max(1, width - width / 10));
            g.setColor(new Color(40, 120, 220));
            g.fillRect(barX, cell * 2, width / 10, height - cell * 2);
            double angle = (millis % 2000) / 2000.0 * 2 * Math.PI;
            int cx = width * 4 / 5;
            int cy = height * 2 / 3;
            int r = Math.min(width, height) / 6;
            g.setStroke(new BasicStroke(Math.max(2, r / 12f)));
            g.setColor(new Color(230, 170, 40));
            g.drawOval(cx - r, cy - r, 2 * r, 2 * r);
            g.drawLine(cx, cy, cx + (int) (r * Math.sin(angle)), cy - (int) (r * Math.cos(angle)));
            g.setColor(Color.WHITE);
            g.setFont(big);
            g.drawString(CLOCK.format(Instant.ofEpochMilli(millis)), width / 20, height / 2);
            g.setFont(small);
            g.drawString("carsight test pattern  frame " + counter + "  " + width + "x" + height + "  UTC",
                    width / 20, height / 2 + small.getSize() * 2);
        } finally {
            g.dispose();
        }
        FrameTimecode.paintArgb(pixels, width, width, TimecodeWord.pack(captureMicros, counter));
        return pixels;
    }
}
