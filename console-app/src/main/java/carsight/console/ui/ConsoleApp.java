package carsight.console.ui;

import carsight.console.ConsoleOptions;
import carsight.console.RunReport;
import carsight.console.latency.FrameLatency;
import carsight.receiver.LinkState;
import carsight.console.peer.LinkStats;
import carsight.console.peer.StreamerLink;
import carsight.console.video.VideoPane;
import carsight.protocol.clock.ClockOffset;
import carsight.protocol.signal.SignalMessage;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javafx.util.Duration;

import java.net.URI;
import java.util.prefs.Preferences;

/**
 * The operator console window: video with the blind-distance overlay, the latency meter, speed, history and link
 * status. Connects to the streamer given on the command line, or the one remembered from last time.
 */
public final class ConsoleApp extends Application {

    private static final System.Logger LOG = System.getLogger(ConsoleApp.class.getName());

    /** Set by the launcher before {@link #launch}. */
    public static volatile ConsoleOptions options = new ConsoleOptions(null, null, false, null, null, 0, null,
            carsight.protocol.speed.DistanceLevel.Thresholds.defaults(), null, false);
    /** Set by the launcher in --demo mode: the in-process streamer to stop on exit. */
    public static volatile AutoCloseable demoStreamer;

    private final ConsoleModel model = new ConsoleModel();
    private final Preferences prefs = Preferences.userNodeForPackage(ConsoleApp.class);
    private VideoPane video;
    private StreamerLink link;
    private SpeedField speedField;
    private TextField address;
    private PasswordField token;
    private Label addressError;
    /** The streamer the link was last pointed at, and its token. */
    private URI watching;
    private String watchingKey;
    private BrowserPanel browserPanel;
    private long startedMillis;

    @Override
    public void start(Stage stage) {
        startedMillis = System.currentTimeMillis();
        ConsoleOptions o = options;
        if (o.speedUnit() != null) {
            model.setUnit(o.speedUnit()); // the operator's own unit: --speed 30mph shows 30 mph
        }
        if (o.speed() != null) {
            model.speedProperty().set(o.speed());
        }
        model.thresholdsProperty().set(o.thresholds());
        video = new VideoPane();
        StackPane center = new StackPane(video, new DistanceOverlay(model));
        center.getStyleClass().add("video-area");
        // a click on the picture takes the keyboard back from the text fields, so B, S and F11 work again
        center.addEventFilter(javafx.scene.input.MouseEvent.MOUSE_PRESSED, e -> video.requestFocus());

        speedField = new SpeedField(model);
        speedField.onDone(video::requestFocus); // Enter or Esc: the keys belong to the window again
        Button browser = new Button("Open browser viewer (B)");
        browser.setId("open-browser");
        browser.setOnAction(e -> openBrowser());
        Button fullscreen = new Button("Fullscreen (F11)");
        fullscreen.setOnAction(e -> stage.setFullScreen(!stage.isFullScreen()));
        browserPanel = new BrowserPanel();
        HistoryChart history = new HistoryChart(model);
        VBox side = new VBox(14, new LatencyGauge(model), speedField, new HBox(8, browser, fullscreen), browserPanel,
                history);
        side.getStyleClass().add("side-panel");
        side.setPrefWidth(380);
        side.setPadding(new Insets(14));

        address = new TextField(o.connect() != null ? o.connect().toString() : prefs.get("streamer", "http://raspberrypi.local:8080"));
        address.setId("address");
        HBox.setHgrow(address, Priority.ALWAYS);
        token = new PasswordField();
        token.setPromptText("token");
        token.setText(o.token() != null ? o.token() : prefs.get("token", ""));
        Button connect = new Button("Connect");
        connect.setId("connect");
        // Enter connects from the address and token fields only (the Connect button is not the window's default:
        // Enter in the speed field must not touch the link)
        connect.setOnAction(e -> connectFromTopBar());
        address.setOnAction(e -> connectFromTopBar());
        token.setOnAction(e -> connectFromTopBar());
        Label brand = new Label("carsight");
        brand.getStyleClass().add("brand");
        addressError = new Label();
        addressError.setId("address-error");
        addressError.getStyleClass().add("error");
        addressError.setWrapText(true);
        addressError.managedProperty().bind(addressError.textProperty().isNotEmpty());
        addressError.visibleProperty().bind(addressError.managedProperty());
        // the message is about what was typed then: an edit makes it stale
        address.textProperty().addListener((o1, was, now) -> addressError.setText(""));
        HBox bar = new HBox(8, brand, address, token, connect);
        bar.setAlignment(Pos.CENTER_LEFT);
        VBox top = new VBox(4, bar, addressError);
        top.getStyleClass().add("top-bar");

        // the side panel scrolls when the screen is short (a 1366x768 laptop), so the status bar always shows
        javafx.scene.control.ScrollPane sideScroll = new javafx.scene.control.ScrollPane(side);
        sideScroll.setFitToWidth(true);
        sideScroll.setHbarPolicy(javafx.scene.control.ScrollPane.ScrollBarPolicy.NEVER);
        sideScroll.getStyleClass().add("side-scroll");
        sideScroll.setFocusTraversable(false);
        BorderPane root = new BorderPane(center, top, sideScroll, new StatusBar(model), null);
        root.getStyleClass().add("console");
        // as large as the design wants, no larger than the screen (a 1366x768 laptop keeps its status bar)
        javafx.geometry.Rectangle2D screen = javafx.stage.Screen.getPrimary().getVisualBounds();
        Scene scene = new Scene(root, Math.min(1360, screen.getWidth()), Math.min(800, screen.getHeight() - 30));
        scene.getStylesheets().add(ConsoleApp.class.getResource("/carsight/console/console.css").toExternalForm());
        scene.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.F11) {
                stage.setFullScreen(!stage.isFullScreen());
            } else if (e.getCode() == KeyCode.S && !(e.getTarget() instanceof TextField)) {
                speedField.focusInput();
                e.consume();
            } else if (e.getCode() == KeyCode.B && !(e.getTarget() instanceof TextField)) {
                openBrowser();
                e.consume();
            }
        });
        stage.setTitle("carsight — operator console");
        stage.setScene(scene);
        stage.setOnCloseRequest(e -> Platform.exit());
        stage.show();
        if (stage.getHeight() > screen.getHeight()) {
            stage.setHeight(screen.getHeight());
            stage.setY(screen.getMinY());
        }
        video.requestFocus(); // keys work at once; the speed field is one key (S) away

        // every pulse: the picture on screen grows older by itself while no new one comes
        new javafx.animation.AnimationTimer() {
            @Override
            public void handle(long pulseNanos) {
                model.tick(carsight.protocol.clock.WallClock.nowMicros());
            }
        }.start();
        Timeline refresh = new Timeline(new KeyFrame(Duration.seconds(1), e -> history.refresh(System.currentTimeMillis())));
        refresh.setCycleCount(Timeline.INDEFINITE);
        refresh.play();

        if (o.connect() != null || o.demo()) {
            connect(o.connect(), o.token());
        }
        if (o.durationSeconds() > 0) {
            Timeline end = new Timeline(new KeyFrame(Duration.seconds(o.durationSeconds()), e -> finish()));
            end.play();
        }
    }

    /** The top bar's address and token: connects, or says what a valid address looks like and leaves the link be. */
    private void connectFromTopBar() {
        URI streamer;
        try {
            streamer = ConsoleOptions.streamerAddress(address.getText());
        } catch (IllegalArgumentException e) {
            addressError.setText(e.getMessage());
            LOG.log(System.Logger.Level.INFO, "not connecting: {0}", e.getMessage());
            return;
        }
        addressError.setText("");
        connect(streamer, token.getText().trim());
        video.requestFocus();
    }

    private void connect(URI streamer, String key) {
        if (link != null) {
            link.close();
        }
        prefs.put("streamer", streamer.toString());
        if (key != null) {
            prefs.put("token", key);
        }
        try {
            prefs.flush(); // now: the console ends with Runtime.halt, which skips the preferences' own flush
        } catch (java.util.prefs.BackingStoreException e) {
            System.getLogger(ConsoleApp.class.getName()).log(System.Logger.Level.WARNING,
                    "cannot remember the streamer address: {0}", e.getMessage());
        }
        address.setText(streamer.toString());
        watching = streamer;
        watchingKey = key;
        carsight.receiver.CertificatePins pins = carsight.receiver.CertificatePins.remembered();
        if (options.fingerprint() != null && streamer.equals(options.connect())) {
            pins.pin(streamer.getHost() + ":" + (streamer.getPort() < 0 ? 443 : streamer.getPort()), options.fingerprint());
        }
        link = new StreamerLink(streamer, key, new StreamerLink.Listener() {
            @Override
            public void onCertificate(String fingerprint, boolean firstUse) {
                Platform.runLater(() -> model.onCertificate(fingerprint, firstUse));
            }

            @Override
            public void onState(LinkState state, String detail) {
                Platform.runLater(() -> model.onLink(state, detail));
            }

            @Override
            public void onStream(SignalMessage.StreamInfo s) {
                Platform.runLater(() -> model.onStream(s.width(), s.height(), s.fps(), s.camera()));
            }

            @Override
            public void onPath(SignalMessage.PathInfo path) {
                Platform.runLater(() -> model.onPath(path));
            }

            @Override
            public void onClock(ClockOffset.Estimate estimate) {
                // no round trip: the car's clock is taken as ours (through a relay), shown as such (-1)
                double u = estimate.rttMicros() == 0 && estimate.samples() == 1 ? -1 : estimate.uncertaintyMicros() / 1000.0;
                Platform.runLater(() -> model.onUncertainty(u));
            }

            @Override
            public void onLatency(FrameLatency latency) {
                Platform.runLater(() -> model.onLatency(latency, System.currentTimeMillis()));
            }

            @Override
            public void onMeterError(double millis) {
                Platform.runLater(() -> model.onMeterError(millis, System.currentTimeMillis()));
            }

            @Override
            public void onPictureShown(long screenMicros) {
                Platform.runLater(() -> model.onPictureShown(screenMicros));
            }

            @Override
            public void onTruth(double millis, long screenMicros) {
                Platform.runLater(() -> model.onTruth(millis, screenMicros, System.currentTimeMillis()));
            }

            @Override
            public void onStats(LinkStats stats) {
                Platform.runLater(() -> model.onStats(stats));
            }

            @Override
            public void onFrameReady() {
                video.frameReady();
            }
        }, pins);
        video.attach(link);
        link.start();
    }

    /**
     * Opens the streamer's page in a browser (with the token) and shows its address, a copy button and a QR code in
     * the side panel, whether or not a browser could be opened here.
     */
    private void openBrowser() {
        URI streamer;
        String key;
        if (watching != null) { // the streamer on screen, whatever is being typed in the top bar
            streamer = watching;
            key = watchingKey == null ? "" : watchingKey;
        } else {
            try {
                streamer = ConsoleOptions.streamerAddress(address.getText());
            } catch (IllegalArgumentException e) {
                addressError.setText(e.getMessage());
                return;
            }
            key = token.getText().trim();
        }
        if (carsight.protocol.relay.RelayAddress.looksLikeRelay(streamer.toString())) {
            addressError.setText("The browser viewer is the car's own page, and a relay serves none: watch the relay "
                    + "here, or open the car's address (http://CAR:8080) where the car can be reached");
            return;
        }
        String url = streamer + "/" + (key.isEmpty() ? "" : "#token=" + key);
        BrowserOpener opener = new BrowserOpener(u -> {
            getHostServices().showDocument(u);
            return true;
        });
        Thread open = new Thread(() -> {
            BrowserOpener.Result result = opener.open(url);
            LOG.log(System.Logger.Level.INFO, "browser viewer {0}: {1}", streamer,
                    result.opened() ? "opened with " + result.by() : "not opened: " + result.problem());
            Platform.runLater(() -> browserPanel.show(result));
        }, "open-browser");
        open.setDaemon(true);
        open.start();
    }

    private void finish() {
        ConsoleOptions o = options;
        if (o.report() != null) {
            model.tick(carsight.protocol.clock.WallClock.nowMicros()); // the age up to this moment
            double seconds = (System.currentTimeMillis() - startedMillis) / 1000.0;
            try {
                RunReport.write(o.report(), model, link, seconds);
                LOG.log(System.Logger.Level.INFO, "report written to {0}", o.report());
            } catch (Exception e) {
                System.err.println("carsight-console: cannot write the report: " + e.getMessage());
            }
        }
        Platform.exit();
    }

    @Override
    public void stop() {
        if (link != null) {
            link.close();
        }
        if (video != null) {
            video.stop();
        }
        AutoCloseable demo = demoStreamer;
        if (demo != null) {
            try {
                demo.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.DEBUG, "demo streamer: {0}", e.toString());
            }
        }
        // libwebrtc's native threads are not daemon threads: leave explicitly
        new Thread(() -> Runtime.getRuntime().halt(0), "exit").start();
    }

    public ConsoleModel model() {
        return model;
    }
}
