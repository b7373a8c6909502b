package carsight.protocol.timecode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class FrameTimecodeTest {

    @Test
    void wordLayoutIsSyncTimeCrcCounter() {
        long time = 0x0123_4567_89ABL;
        long word = TimecodeWord.pack(time, 0x1F);
        assertThat(word >>> 60).isEqualTo(0b1010);
        assertThat((word >>> 12) & ((1L << 48) - 1)).isEqualTo(time);
        assertThat(word & 0xF).isEqualTo(0xF);
        assertThat(TimecodeWord.unpack(word)).contains(new TimecodeWord.Timecode(time, 0xF));
    }

    @Test
    void crc8MatchesTheCheckValueOfPolynomial07() {
        // CRC-8 (poly 0x07, init 0) of the six bytes 00 00 00 00 00 01 is 0x07; of 00.. 00 is 0
        assertThat(TimecodeWord.crc8(1)).isEqualTo(0x07);
        assertThat(TimecodeWord.crc8(0)).isZero();
        // "123456" would need ASCII; a 48-bit value of 0x313233343536 is that string: CRC-8/SMBUS gives 0xFD
        assertThat(TimecodeWord.crc8(0x313233343536L)).isEqualTo(0xFD);
    }

    @Test
    void anyFlippedBitVoidsTheWord() {
        long word = TimecodeWord.pack(1_764_000_000_000_000L, 3);
        for (int bit = 4; bit < 60; bit++) {
            assertThat(TimecodeWord.unpack(word ^ (1L << bit))).as("bit %d", bit).isEmpty();
        }
    }

    @Test
    void captureTimeIsRecoveredAcrossThe48BitWrap() {
        long wrap = 1L << 48;
        long capture = 5 * wrap - 10;
        TimecodeWord.Timecode tc = TimecodeWord.unpack(TimecodeWord.pack(capture, 0)).orElseThrow();
        assertThat(tc.captureTimeNear(capture + 20)).isEqualTo(capture);
        assertThat(tc.captureTimeNear(5 * wrap + 1_000_000)).isEqualTo(capture);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"640, 480", "1280, 720"})
    @org.junit.jupiter.api.Tag("process") // runs ffmpeg: the second tier (mvn verify)
    void survivesARealH264EncodeAndDecode(int width, int height, @TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ffmpeg")), "ffmpeg is not installed (the README's test command installs it)");
        int frames = 30;
        int frameSize = width * height * 3 / 2;
        byte[] raw = new byte[frames * frameSize];
        Random noise = new Random(width);
        long[] words = new long[frames];
        for (int f = 0; f < frames; f++) {
            byte[] plane = new byte[frameSize];
            for (int i = 0; i < width * height; i++) {
                int x = i % width;
                plane[i] = (byte) (((x + f * 7) & 0xFF) / 2 + noise.nextInt(60)); // a moving gradient with noise
            }
            Arrays.fill(plane, width * height, frameSize, (byte) 128);
            words[f] = TimecodeWord.pack(1_764_000_000_000_000L + f * 33_333L, f);
            FrameTimecode.paintLuma(plane, width, width, words[f]);
            System.arraycopy(plane, 0, raw, f * frameSize, frameSize);
        }
        Path yuv = dir.resolve("in.yuv");
        Path h264 = dir.resolve("out.h264");
        Path decoded = dir.resolve("back.yuv");
        Files.write(yuv, raw);
        run("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s",
                width + "x" + height, "-r", "30", "-i", yuv.toString(), "-c:v", "libx264", "-preset", "ultrafast",
                "-tune", "zerolatency", "-profile:v", "baseline", "-b:v", "1M", "-f", "h264", "-y", h264.toString());
        run("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "h264", "-i", h264.toString(), "-f", "rawvideo",
                "-pix_fmt", "yuv420p", "-y", decoded.toString());
        byte[] back = Files.readAllBytes(decoded);
        assertThat(back.length).isEqualTo(raw.length);
        for (int f = 0; f < frames; f++) {
            byte[] plane = Arrays.copyOfRange(back, f * frameSize, f * frameSize + width * height);
            assertThat(FrameTimecode.readWord(FrameTimecode.LumaSource.ofPlane(plane, width), width))
                    .as("frame %d", f).isEqualTo(words[f]);
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
    }
}
