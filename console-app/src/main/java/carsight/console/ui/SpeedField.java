package carsight.console.ui;

import carsight.protocol.speed.SpeedUnit;
import javafx.collections.FXCollections;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

/**
 * Vehicle speed: a number, a unit (km/h, mph, m/s), and an inline message when the input cannot be used — the last
 * good speed stays in force meanwhile. Switching the unit converts the shown number.
 */
public final class SpeedField extends VBox {

    private final TextField input = new TextField();
    private final ConsoleModel model;

    public SpeedField(ConsoleModel model) {
        this.model = model;
        getStyleClass().add("speed-field");
        Label caption = new Label("SPEED");
        caption.getStyleClass().add("caption");
        input.setId("speed");
        input.setPrefColumnCount(6);
        input.setPromptText("50");
        input.setText(number(model.speedProperty().get().in(model.unitProperty().get())));
        ChoiceBox<SpeedUnit> unit = new ChoiceBox<>(FXCollections.observableArrayList(SpeedUnit.values()));
        unit.setId("speed-unit");
        unit.setConverter(new StringConverter<>() {
            @Override
            public String toString(SpeedUnit u) {
                return u == null ? "" : u.symbol();
            }

            @Override
            public SpeedUnit fromString(String s) {
                return SpeedUnit.parse(s);
            }
        });
        unit.setValue(model.unitProperty().get());
        unit.valueProperty().addListener((obs, old, next) -> {
            model.setUnit(next);
            if (model.speedErrorProperty().get().isEmpty()) {
                input.setText(number(model.speedProperty().get().in(next)));
            }
        });
        input.textProperty().addListener((obs, old, text) -> model.applySpeed(text));
        Label error = new Label();
        error.setId("speed-error");
        error.getStyleClass().add("error");
        error.textProperty().bind(model.speedErrorProperty());
        error.visibleProperty().bind(model.speedErrorProperty().isNotEmpty());
        error.managedProperty().bind(error.visibleProperty());
        HBox row = new HBox(6, input, unit);
        getChildren().addAll(caption, row, error);
    }

    /**
     * {@code done} runs when the operator finishes with the field: Enter (the typed speed stays in force) or Esc (the
     * field shows the speed in force again). Neither touches the link.
     */
    public void onDone(Runnable done) {
        input.setOnKeyPressed(e -> {
            if (e.getCode() == javafx.scene.input.KeyCode.ENTER) {
                e.consume();
                done.run();
            } else if (e.getCode() == javafx.scene.input.KeyCode.ESCAPE) {
                e.consume();
                input.setText(number(model.speedProperty().get().in(model.unitProperty().get())));
                done.run();
            }
        });
    }

    public void focusInput() {
        input.requestFocus();
        input.selectAll();
    }

    static String number(double value) {
        return Math.abs(value - Math.rint(value)) < 0.05 ? String.valueOf(Math.round(value))
                : String.format(java.util.Locale.ROOT, "%.1f", value);
    }
}
