package carsight.streamer.h264;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpsTest {

    @Test
    void readsThePiEncodersSps() throws IOException {
        List<AccessUnit> units = AnnexBReaderTest.split(Files.readAllBytes(AnnexBReaderTest.PI_FIXTURE), null);
        Sps sps = Sps.parse(units.get(0).nalUnits().get(0));

        assertThat(sps.profileIdc()).isEqualTo(100);
        assertThat(sps.levelIdc()).isEqualTo(40);
        assertThat(sps.width()).isEqualTo(1280);
        assertThat(sps.height()).isEqualTo(720);
        assertThat(sps.profileLevelId()).isEqualTo("640028");
        assertThat(sps.describe()).isEqualTo("High 4.0 1280x720");
    }

    @Test
    void truncatedSpsIsRejectedWithAReason() {
        assertThatThrownBy(() -> Sps.parse(new NalUnit(new byte[]{0x67, 0x42, (byte) 0xC0})))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ends early");
    }
}
