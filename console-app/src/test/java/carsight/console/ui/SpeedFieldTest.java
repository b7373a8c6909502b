package carsight.console.ui;

import carsight.console.latency.FrameLatency;
import carsight.receiver.LinkState;
import carsight.protocol.speed.SpeedUnit;
import javafx.scene.Scene;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import static org.assertj.core.api.Assertions.assertThat;

/** The speed field and distance overlay as an operator uses them: typing, bad input, units. */
@ExtendWith(ApplicationExtension.class)
class SpeedFieldTest {

    ConsoleModel model;

    @Start
    void start(Stage stage) {
        model = new ConsoleModel();
        model.onLink(LinkState.LIVE, "test");
        // a picture shown at t = 1 s that was captured 112 ms before; the clock stands still in this test
        model.onPictureShown(1_000_000);
        model.onLatency(new FrameLatency(1, 112, 40, 30, 30, 12, 1_000_000), 0);
        model.tick(1_000_000);
        stage.setScene(new Scene(new VBox(new SpeedField(model), new DistanceOverlay(model)), 500, 300));
        stage.show();
    }

    private void type(FxRobot robot, String text) {
        TextField field = robot.lookup("#speed").queryAs(TextField.class);
        robot.interact(() -> field.clear());
        robot.clickOn(field).write(text);
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Puts the whole text in at once, as a paste does. */
    private void paste(FxRobot robot, String text) {
        TextField field = robot.lookup("#speed").queryAs(TextField.class);
        robot.interact(() -> field.setText(text));
        WaitForAsyncUtils.waitForFxEvents();
    }

    private String distance(FxRobot robot) {
        return robot.lookup("#distance").queryAs(Label.class).getText();
    }

    private String error(FxRobot robot) {
        return robot.lookup("#speed-error").queryAs(Label.class).getText();
    }

    @Test
    void typing50KmhShowsTheDistanceOfTheFormula(FxRobot robot) {
        type(robot, "50");
        // 0.112 s × 13.888 m/s = 1.555 m
        assertThat(distance(robot)).isEqualTo("112 ms × 13.9 m/s = 1.56 m");
        assertThat(error(robot)).isEmpty();
        assertThat(robot.lookup("#distance").queryAs(Label.class).getStyleClass()).contains("level-amber");
    }

    @Test
    void eachBadInputShowsItsMessageAndTheLastGoodSpeedStays(FxRobot robot) {
        type(robot, "36");
        assertThat(distance(robot)).isEqualTo("112 ms × 10.0 m/s = 1.12 m");
        String[][] cases = {{"fast", "must be a number"}, {"-20", "cannot be negative"}, {"500", "above 400 km/h"}};
        for (String[] c : cases) {
            paste(robot, c[0]);
            assertThat(error(robot)).as(c[0]).contains(c[1]);
            assertThat(robot.lookup("#speed-error").queryAs(Label.class).isVisible()).isTrue();
            assertThat(distance(robot)).as("last good value stays").isEqualTo("112 ms × 10.0 m/s = 1.12 m");
        }
        type(robot, "18");
        assertThat(error(robot)).isEmpty();
        assertThat(distance(robot)).isEqualTo("112 ms × 5.0 m/s = 0.56 m");
        assertThat(robot.lookup("#distance").queryAs(Label.class).getStyleClass()).contains("level-green");
        type(robot, "abc");
        assertThat(error(robot)).contains("must be a number");
        assertThat(distance(robot)).isEqualTo("112 ms × 5.0 m/s = 0.56 m");
    }

    @Test
    void unitsSwitchAndConvertTheShownNumber(FxRobot robot) {
        type(robot, "72");
        @SuppressWarnings("unchecked")
        ChoiceBox<SpeedUnit> unit = robot.lookup("#speed-unit").queryAs(ChoiceBox.class);
        robot.interact(() -> unit.setValue(SpeedUnit.MPS));
        assertThat(robot.lookup("#speed").queryAs(TextField.class).getText()).isEqualTo("20");
        assertThat(distance(robot)).isEqualTo("112 ms × 20.0 m/s = 2.24 m");
        type(robot, "30");
        assertThat(distance(robot)).isEqualTo("112 ms × 30.0 m/s = 3.36 m");
        assertThat(robot.lookup("#distance").queryAs(Label.class).getStyleClass()).contains("level-red");
        robot.interact(() -> unit.setValue(SpeedUnit.MPH));
        assertThat(robot.lookup("#speed").queryAs(TextField.class).getText()).isEqualTo("67.1");
        type(robot, "50");
        assertThat(model.speedProperty().get().metresPerSecond()).isCloseTo(22.352, org.assertj.core.data.Offset.offset(0.001));
        assertThat(distance(robot)).isEqualTo("112 ms × 22.4 m/s = 2.50 m");
    }
}
