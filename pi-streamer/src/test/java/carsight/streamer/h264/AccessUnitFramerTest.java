package carsight.streamer.h264;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A picture is complete when its writer says so, not when the next picture's start code comes. */
class AccessUnitFramerTest {

    static final byte[] START = {0, 0, 0, 1};
    static final byte[] SPS = {0x67, 0x42, (byte) 0xC0, 0x1E, 0x11};
    static final byte[] PPS = {0x68, (byte) 0xCE, 0x3C, (byte) 0x80};
    static final byte[] SEI = {0x06, 0x05, 0x01, 0x42, (byte) 0x80};

    /** A slice: first_mb_in_slice 0 is the single bit 1 (0x80 with the rest of the header after it). */
    static byte[] slice(int type, boolean firstMbZero, int payloadBytes) {
        byte[] b = new byte[2 + payloadBytes];
        b[0] = (byte) (type == NalUnit.TYPE_IDR_SLICE ? 0x65 : 0x41);
        b[1] = (byte) (firstMbZero ? 0x88 : 0x44); // 1xxx: first_mb 0; 01000: ue(v) = 1..2
        for (int i = 2; i < b.length; i++) {
            b[i] = (byte) (0x10 + i % 200); // never 0: no start code or emulation in the payload
        }
        return b;
    }

    static byte[] annexB(byte[]... nals) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] nal : nals) {
            out.writeBytes(START);
            out.writeBytes(nal);
        }
        return out.toByteArray();
    }

    @Test
    void aPictureIsCompleteWhenItsWriterSaysSoNotWhenTheNextOneBegins() {
        AccessUnitFramer framer = new AccessUnitFramer();
        assertThat(framer.feed(annexB(slice(1, true, 300)))).as("without the word: still waiting").isEmpty();

        List<AccessUnit> done = framer.endOfFrame();

        assertThat(done).hasSize(1);
        assertThat(done.get(0).nalUnits()).containsExactly(new NalUnit(slice(1, true, 300)));
        assertThat(framer.endOfFrame()).as("nothing more is pending").isEmpty();
    }

    @Test
    void anIdrSplitAcrossManyReadsWithItsParameterSetsAndSeiIsOnePicture() {
        byte[] idr = slice(NalUnit.TYPE_IDR_SLICE, true, 200_000); // larger than a pipe's 64 KiB
        byte[] stream = annexB(SPS, PPS, SEI, idr);
        AccessUnitFramer framer = new AccessUnitFramer();
        for (int offset = 0; offset < stream.length; offset += 4096) {
            assertThat(framer.feed(stream, offset, Math.min(4096, stream.length - offset))).isEmpty();
        }

        List<AccessUnit> done = framer.endOfFrame();

        assertThat(done).hasSize(1);
        AccessUnit picture = done.get(0);
        assertThat(picture.keyframe()).isTrue();
        assertThat(picture.hasParameterSets()).isTrue();
        assertThat(picture.nalUnits()).extracting(NalUnit::type).containsExactly(7, 8, 6, 5);
        assertThat(picture.nalUnits().get(3).bytes()).isEqualTo(idr);
        assertThat(framer.strayBytes()).isZero();
    }

    @Test
    void severalSlicesOfOnePictureStayTogetherAndTheNextPictureStartsFresh() {
        AccessUnitFramer framer = new AccessUnitFramer();
        framer.feed(annexB(slice(1, true, 500), slice(1, false, 400), slice(1, false, 300)));
        List<AccessUnit> first = framer.endOfFrame();
        framer.feed(annexB(slice(1, true, 100), slice(1, false, 100)));
        List<AccessUnit> second = framer.endOfFrame();

        assertThat(first).singleElement().satisfies(p -> assertThat(p.nalUnits()).hasSize(3));
        assertThat(second).singleElement().satisfies(p -> assertThat(p.nalUnits()).hasSize(2));
    }

    @Test
    void whenTheNextPictureHasBegunAlreadyOnlyThePictureBeforeItIsClosed() {
        AccessUnitFramer framer = new AccessUnitFramer();
        byte[] next = annexB(slice(1, true, 900));
        framer.feed(annexB(slice(1, true, 500), slice(1, false, 400)));
        assertThat(framer.feed(next, 0, 40)).isEmpty(); // part of the next picture came before the word

        assertThat(framer.endOfFrame()).singleElement().satisfies(p -> assertThat(p.nalUnits()).hasSize(2));
        framer.feed(next, 40, next.length - 40);
        assertThat(framer.endOfFrame()).singleElement().satisfies(p -> assertThat(p.size()).isEqualTo(902));
        assertThat(framer.strayBytes()).isZero();
    }

    @Test
    void aKeyframesParameterSetsCompleteThePictureBeforeIt() {
        AccessUnitFramer framer = new AccessUnitFramer();
        byte[] next = annexB(SPS, PPS, slice(NalUnit.TYPE_IDR_SLICE, true, 900));
        framer.feed(annexB(slice(1, true, 500), slice(1, false, 400)));

        assertThat(framer.feed(next, 0, 40)).as("the SPS ended the picture before it").singleElement()
                .satisfies(p -> assertThat(p.nalUnits()).hasSize(2));
        framer.feed(next, 40, next.length - 40);
        assertThat(framer.endOfFrame()).singleElement().satisfies(p -> {
            assertThat(p.keyframe()).isTrue();
            assertThat(p.nalUnits()).extracting(NalUnit::type).containsExactly(7, 8, 5);
        });
    }

    @Test
    void theNextPicturesFirstByteAloneAlsoStaysForIt() {
        AccessUnitFramer framer = new AccessUnitFramer();
        byte[] next = annexB(slice(1, true, 30));
        framer.feed(annexB(slice(1, true, 50)));
        framer.feed(next, 0, 5); // start code and the NAL header only
        assertThat(framer.endOfFrame()).singleElement().satisfies(p -> assertThat(p.size()).isEqualTo(52));
        framer.feed(next, 5, next.length - 5);
        assertThat(framer.endOfFrame()).singleElement().satisfies(p -> assertThat(p.size()).isEqualTo(32));
    }

    @Test
    void parameterSetsWrittenAheadWaitForTheirPicture() {
        AccessUnitFramer framer = new AccessUnitFramer();
        framer.feed(annexB(SPS, PPS));
        assertThat(framer.endOfFrame()).as("no picture yet").isEmpty();
        framer.feed(annexB(slice(NalUnit.TYPE_IDR_SLICE, true, 50)));

        assertThat(framer.endOfFrame()).singleElement()
                .satisfies(p -> assertThat(p.nalUnits()).extracting(NalUnit::type).containsExactly(7, 8, 5));
    }

    @Test
    void withoutTheWordOnlyTheNextPicturesBytesCompleteAPicture() {
        AccessUnitFramer framer = new AccessUnitFramer();
        // the first picture is complete once the second one's slice has ended, i.e. at the third one's start code
        assertThat(framer.feed(annexB(slice(1, true, 50), slice(1, true, 60)))).isEmpty();
        assertThat(framer.feed(annexB(slice(1, true, 70)))).singleElement()
                .satisfies(p -> assertThat(p.size()).isEqualTo(52));
    }

    @Test
    void bytesThatComeAfterThePictureWasDeclaredCompleteAreCounted() {
        AccessUnitFramer framer = new AccessUnitFramer();
        byte[] stream = annexB(slice(1, true, 100));
        framer.feed(stream, 0, 60);
        assertThat(framer.endOfFrame()).hasSize(1); // too early: 48 bytes of the slice are still to come
        framer.feed(stream, 60, stream.length - 60);

        assertThat(framer.strayBytes()).isEqualTo(stream.length - 60);
        framer.feed(annexB(slice(1, true, 10)));
        assertThat(framer.endOfFrame()).as("the next picture is whole again").singleElement()
                .satisfies(p -> assertThat(p.size()).isEqualTo(12));
    }

    @Test
    void thePiRecordingFramedByItsWriterGivesTheSamePicturesAsBeforeWithoutTheWait() throws IOException {
        byte[] stream = Files.readAllBytes(AnnexBReaderTest.PI_FIXTURE);
        List<AccessUnit> byStartCodes = AnnexBReaderTest.split(stream, null);
        // replay it as the encoder writes it: each picture's bytes, then the word that it is complete
        List<AccessUnit> byWord = new ArrayList<>();
        AccessUnitFramer framer = new AccessUnitFramer();
        for (AccessUnit picture : byStartCodes) {
            byte[][] nals = picture.nalUnits().stream().map(NalUnit::bytes).toArray(byte[][]::new);
            assertThat(framer.feed(annexB(nals))).isEmpty();
            byWord.addAll(framer.endOfFrame());
        }

        assertThat(byWord).isEqualTo(byStartCodes);
    }
}
