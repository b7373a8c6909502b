package carsight.streamer.flv;

import carsight.streamer.h264.AccessUnit;
import carsight.streamer.h264.NalUnit;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** FLV as ffmpeg writes it for the test pattern: a picture is whole the moment its tag's data has arrived. */
class FlvTagReaderTest {

    static final byte[] SPS = {0x67, 0x42, (byte) 0xC0, 0x1E, (byte) 0xD9};
    static final byte[] PPS = {0x68, (byte) 0xCE, 0x3C, (byte) 0x80};

    static byte[] fileHeader() {
        return new byte[]{'F', 'L', 'V', 1, 1, 0, 0, 0, 9, 0, 0, 0, 0};
    }

    static byte[] tag(int type, int timestamp, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(type);
        out.write(data.length >> 16);
        out.write(data.length >> 8);
        out.write(data.length);
        out.write(timestamp >> 16);
        out.write(timestamp >> 8);
        out.write(timestamp);
        out.write(timestamp >>> 24);
        out.writeBytes(new byte[3]);
        out.writeBytes(data);
        int size = data.length + 11;
        out.writeBytes(new byte[]{(byte) (size >> 24), (byte) (size >> 16), (byte) (size >> 8), (byte) size});
        return out.toByteArray();
    }

    static byte[] sequenceHeader() {
        ByteArrayOutputStream d = new ByteArrayOutputStream();
        d.writeBytes(new byte[]{0x17, 0, 0, 0, 0}); // keyframe, AVC; sequence header; composition time 0
        d.writeBytes(new byte[]{1, 0x42, (byte) 0xC0, 0x1E, (byte) 0xFF, (byte) 0xE1}); // 4-byte lengths, 1 SPS
        d.writeBytes(new byte[]{0, (byte) SPS.length});
        d.writeBytes(SPS);
        d.write(1);
        d.writeBytes(new byte[]{0, (byte) PPS.length});
        d.writeBytes(PPS);
        return d.toByteArray();
    }

    /** A picture tag with the given NAL units, 4-byte lengths. */
    static byte[] pictureData(boolean keyframe, byte[]... nals) {
        ByteArrayOutputStream d = new ByteArrayOutputStream();
        d.writeBytes(new byte[]{(byte) (keyframe ? 0x17 : 0x27), 1, 0, 0, 0});
        for (byte[] nal : nals) {
            d.writeBytes(new byte[]{(byte) (nal.length >> 24), (byte) (nal.length >> 16), (byte) (nal.length >> 8), (byte) nal.length});
            d.writeBytes(nal);
        }
        return d.toByteArray();
    }

    static byte[] slice(int header, int firstByte, int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b); // zeros and start-code look-alikes included: FLV states its lengths
        b[0] = (byte) header;
        b[1] = (byte) firstByte;
        return b;
    }

    static byte[] stream(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void aTagIsCompleteWithItsDataBeforeItsSizeTrailerArrives() {
        byte[] picture = tag(9, 33, pictureData(false, slice(0x41, 0x88, 300)));
        FlvTagReader reader = new FlvTagReader();
        assertThat(reader.feed(fileHeader())).isEmpty();
        assertThat(reader.feed(picture, 0, picture.length - 5)).isEmpty(); // one data byte missing
        List<FlvTagReader.Tag> tags = reader.feed(picture, picture.length - 5, 1);
        assertThat(tags).singleElement().satisfies(t -> {
            assertThat(t.type()).isEqualTo(9);
            assertThat(t.timestampMillis()).isEqualTo(33);
        });
        assertThat(reader.feed(picture, picture.length - 4, 4)).as("the trailer alone is no tag").isEmpty();
        assertThat(reader.feed(tag(9, 66, pictureData(false, slice(0x41, 0x88, 10))))).hasSize(1);
    }

    @Test
    void anyChunkingGivesTheSamePicturesWithParameterSetsBeforeEachIdr() {
        byte[] idr = slice(0x65, 0x88, 200_000); // larger than a pipe buffer
        byte[] whole = stream(fileHeader(), tag(18, 0, new byte[40]), tag(9, 0, sequenceHeader()),
                tag(9, 0, pictureData(true, idr)),
                tag(9, 33, pictureData(false, slice(0x41, 0x88, 900), slice(0x41, 0x44, 800))));
        for (long seed = 0; seed < 5; seed++) {
            Random chunks = new Random(seed);
            FlvTagReader reader = new FlvTagReader();
            FlvAvc avc = new FlvAvc();
            List<AccessUnit> pictures = new ArrayList<>();
            for (int at = 0; at < whole.length; ) {
                int n = Math.min(whole.length - at, 1 + chunks.nextInt(seed == 0 ? 3 : 70_000));
                for (FlvTagReader.Tag t : reader.feed(whole, at, n)) {
                    AccessUnit unit = avc.picture(t);
                    if (unit != null) {
                        pictures.add(unit);
                    }
                }
                at += n;
            }

            assertThat(pictures).hasSize(2);
            assertThat(pictures.get(0).keyframe()).isTrue();
            assertThat(pictures.get(0).nalUnits()).extracting(NalUnit::type).containsExactly(7, 8, 5);
            assertThat(pictures.get(0).nalUnits().get(0).bytes()).isEqualTo(SPS);
            assertThat(pictures.get(0).nalUnits().get(2).bytes()).isEqualTo(idr);
            assertThat(pictures.get(1).nalUnits()).as("two slices of one picture").hasSize(2);
        }
    }

    @Test
    void inBandParameterSetsAreNotRepeated() {
        FlvAvc avc = new FlvAvc();
        avc.picture(new FlvTagReader.Tag(9, 0, sequenceHeader()));
        AccessUnit unit = avc.picture(new FlvTagReader.Tag(9, 0, pictureData(true, SPS, PPS, slice(0x65, 0x88, 50))));
        assertThat(unit.nalUnits()).extracting(NalUnit::type).containsExactly(7, 8, 5);
    }

    @Test
    void somethingElseIsRefusedWithAReason() {
        assertThatThrownBy(() -> new FlvTagReader().feed("\u0000\u0000\u0000\u0001gB".repeat(3).getBytes()))
                .hasMessageContaining("not an FLV stream");
        assertThatThrownBy(() -> new FlvAvc().picture(new FlvTagReader.Tag(9, 0, new byte[]{0x12, 1, 0, 0, 0, 1})))
                .hasMessageContaining("not H.264");
        assertThatThrownBy(() -> new FlvAvc().picture(new FlvTagReader.Tag(9, 0, new byte[]{0x27, 1, 0, 0, 0, 0, 0, 1, 0, 0x41})))
                .hasMessageContaining("NAL unit of 256 bytes");
    }
}
