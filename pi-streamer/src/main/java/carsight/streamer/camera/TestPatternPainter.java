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
 *
 * <p>The plain pattern is flat colours, which x264 codes in a few hundred kb/s whatever it is allowed. The road scene
 * lays the same marks over a textured ground that scrolls towards the viewer, as a road does under a car's camera,
 * plus a little sensor noise each frame, so the encoder spends the bitrate it is given and a link is loaded as a real
 * camera would load it.
 */
final class TestPatternPainter {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private final int width;
    private final int height;
    private final BufferedImage image;
    private final int[] pixels;
    private final Font big;
    private final Font small;
    /** Null for the plain pattern; else the road's texture (a square tile of grey levels) and the sensor noise. */
    private final byte[] ground;
    private final byte[] noise;

    TestPatternPainter(int width, int height) {
        this(width, height, false);
    }

    TestPatternPainter(int width, int height, boolean road) {
        this.width = width;
        this.height = height;
        this.image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        this.pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        this.big = new Font(Font.MONOSPACED, Font.BOLD, Math.max(12, height / 8));
        this.small = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(10, height / 30));
        if (road) {
            java.util.SplittableRandom random = new java.util.SplittableRandom(20181);
            ground = new byte[TILE * TILE];
            for (int y = 0; y < TILE; y++) {
                for (int x = 0; x < TILE; x++) {
                    // asphalt: grains of several sizes, lighter lane marks every so often
                    int v = 70 + random.nextInt(50) + ((x / 7 + y / 5) % 3) * 6;
                    if (x % 256 < 10 && (y / 48) % 2 == 0) {
                        v = 200;
                    }
                    ground[y * TILE + x] = (byte) v;
                }
            }
            noise = new byte[1 << 20];
            for (int i = 0; i < noise.length; i++) {
                noise[i] = (byte) (random.nextInt(13) - 6);
            }
        } else {
            ground = null;
            noise = null;
        }
    }

    private static final int TILE = 512;

    /** The road's ground for this frame: the texture moved on by the car's speed, plus fresh sensor noise. */
    private void paintGround(long counter) {
        int scroll = (int) ((counter * 9) % TILE);
        int noiseStart = (int) ((counter * 7919L) & (noise.length - 1));
        for (int y = 0; y < height; y++) {
            int row = ((y - scroll) & (TILE - 1)) * TILE;
            int out = y * width;
            for (int x = 0; x < width; x++) {
                int v = (ground[row + (x & (TILE - 1))] & 0xFF) + noise[(noiseStart + out + x) & (noise.length - 1)];
                v = Math.max(0, Math.min(255, v));
                pixels[out + x] = (v << 16) | ((v * 15 / 16) << 8) | (v * 7 / 8);
            }
        }
    }

    /** Paints frame {@code counter} captured at {@code captureMicros}; returns the pixels as 0x00RRGGBB. */
    int[] paint(long captureMicros, long counter) {
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            if (ground == null) {
                g.setColor(new Color(18, 24, 38));
                g.fillRect(0, 0, width, height);
            } else {
                paintGround(counter);
            }
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
