package carsight.console.ui;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelWriter;
import javafx.scene.image.WritableImage;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;

import java.net.URI;
import java.util.Map;

/**
 * The browser viewer's address, always shown when the operator opens it: what was opened and by what (or that
 * nothing could be), the address with its token to copy, and the same as a QR code so a phone or tablet in the car
 * can open the page too.
 */
public final class BrowserPanel extends VBox {

    private final Label said = new Label();
    private final TextField address = new TextField();
    private final ImageView code = new ImageView();

    public BrowserPanel() {
        super(6);
        setId("browser-panel");
        getStyleClass().add("browser-panel");
        Label caption = new Label("BROWSER VIEWER");
        caption.getStyleClass().add("caption");
        Button close = new Button("×");
        close.setId("browser-panel-close");
        close.setOnAction(e -> hide());
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        said.setId("browser-said");
        said.setWrapText(true);
        said.setMinHeight(Region.USE_PREF_SIZE);
        said.setMaxWidth(340);
        said.getStyleClass().add("caption");
        address.setId("browser-url");
        address.setEditable(false);
        HBox.setHgrow(address, Priority.ALWAYS);
        Button copy = new Button("Copy");
        copy.setId("browser-copy");
        copy.setOnAction(e -> {
            ClipboardContent content = new ClipboardContent();
            content.putString(address.getText());
            Clipboard.getSystemClipboard().setContent(content);
            said.setText(said.getText().replaceAll(" · copied$", "") + " · copied");
        });
        code.setId("browser-qr");
        code.setSmooth(false);
        getChildren().addAll(new HBox(6, caption, grow, close), said, new HBox(6, address, copy), code);
        hide();
    }

    /** Shows what happened when the address was opened. */
    public void show(BrowserOpener.Result result) {
        String host = URI.create(result.url()).getHost();
        boolean local = host == null || host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
        said.setText((result.opened() ? "opened with " + result.by() : "no browser could be opened here ("
                + result.problem() + ")") + (local
                ? " — this address works on this computer only"
                : " — or open it on a phone or another computer: copy it, or scan the code"));
        address.setText(result.url());
        code.setImage(qr(result.url(), 4));
        setVisible(true);
        setManaged(true);
    }

    public void hide() {
        setVisible(false);
        setManaged(false);
    }

    public String url() {
        return address.getText();
    }

    /** The text as a QR code, {@code scale} pixels per module, dark on white with the quiet zone. */
    static WritableImage qr(String text, int scale) {
        try {
            BitMatrix m = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0,
                    Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 2));
            WritableImage image = new WritableImage(m.getWidth() * scale, m.getHeight() * scale);
            PixelWriter w = image.getPixelWriter();
            for (int y = 0; y < m.getHeight(); y++) {
                for (int x = 0; x < m.getWidth(); x++) {
                    Color c = m.get(x, y) ? Color.BLACK : Color.WHITE;
                    for (int dy = 0; dy < scale; dy++) {
                        for (int dx = 0; dx < scale; dx++) {
                            w.setColor(x * scale + dx, y * scale + dy, c);
                        }
                    }
                }
            }
            return image;
        } catch (WriterException | IllegalArgumentException e) {
            return null; // an address too long for a code: the text is there to copy
        }
    }
}
