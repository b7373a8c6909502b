package carsight.console.ui;

import carsight.console.latency.FrameLatency;
import carsight.receiver.LinkState;
import carsight.console.peer.LinkStats;
import carsight.protocol.latency.LatencyStats;
import carsight.protocol.latency.LatencySummary;
import carsight.protocol.latency.PictureAge;
import carsight.protocol.speed.BlindDistance;
import carsight.protocol.speed.DistanceLevel;
import carsight.protocol.speed.Speed;
import carsight.protocol.speed.SpeedFormatException;
import carsight.protocol.speed.SpeedUnit;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Locale;
import java.util.Optional;

/**
 * Everything the console shows, as observable properties the views bind to. Plain: no stage, no threads, so it is
 * tested on its own. Update it on the JavaFX thread.
 */
public final class ConsoleModel {

    public static final long HISTORY_MILLIS = 60_000;
    /** No new picture for this long: say so over the picture, at once, whatever the link logic decides later. */
    public static final double STALE_AFTER_MILLIS = 250;
    /** The picture's age goes into the history at most this often. */
    private static final long AGE_HISTORY_STEP_MICROS = 100_000;

    private final StringProperty linkState = new SimpleStringProperty(LinkState.STOPPED.label());
    private final StringProperty linkDetail = new SimpleStringProperty("");
    private final StringProperty certificate = new SimpleStringProperty("");
    private final ObjectProperty<LinkState> link = new SimpleObjectProperty<>(LinkState.STOPPED);
    private final DoubleProperty latencyMs = new SimpleDoubleProperty(Double.NaN);
    private final DoubleProperty ageMs = new SimpleDoubleProperty(Double.NaN);
    private final StringProperty staleText = new SimpleStringProperty("");
    private final javafx.beans.property.BooleanProperty stale = new javafx.beans.property.SimpleBooleanProperty(false);
    private final DoubleProperty uncertaintyMs = new SimpleDoubleProperty(Double.NaN);
    private final DoubleProperty truthMs = new SimpleDoubleProperty(Double.NaN);
    private final DoubleProperty cameraMs = new SimpleDoubleProperty(0);
    private final DoubleProperty networkMs = new SimpleDoubleProperty(0);
    private final DoubleProperty receiverMs = new SimpleDoubleProperty(0);
    private final DoubleProperty screenMs = new SimpleDoubleProperty(0);
    private final ObjectProperty<Speed> speed = new SimpleObjectProperty<>(Speed.of(50, SpeedUnit.KMH));
    private final ObjectProperty<SpeedUnit> unit = new SimpleObjectProperty<>(SpeedUnit.KMH);
    private final StringProperty speedError = new SimpleStringProperty("");
    private final StringProperty distanceText = new SimpleStringProperty("waiting for video");
    private final ObjectProperty<DistanceLevel> level = new SimpleObjectProperty<>(DistanceLevel.GREEN);
    private final StringProperty statsText = new SimpleStringProperty("");
    private final StringProperty streamText = new SimpleStringProperty("");
    private final StringProperty pathText = new SimpleStringProperty("");
    private final javafx.beans.property.BooleanProperty narrow = new javafx.beans.property.SimpleBooleanProperty(false);
    private final ObjectProperty<DistanceLevel.Thresholds> thresholds = new SimpleObjectProperty<>(DistanceLevel.Thresholds.defaults());

    private final LatencyStats latencyHistory = new LatencyStats(HISTORY_MILLIS, 1_000_000);
    private final LatencyStats distanceHistory = new LatencyStats(HISTORY_MILLIS, 1_000_000);
    private final LatencyStats truthHistory = new LatencyStats(HISTORY_MILLIS, 1_000_000);
    /** |meter − truth| per frame with a timecode, for the run report. */
    private final LatencyStats meterErrors = new LatencyStats(HISTORY_MILLIS, 1_000_000);
    private final Deque<Double> recent = new ArrayDeque<>();
    /** The age of the picture on screen, by the meter's capture times (what the operator is shown). */
    private final PictureAge age = new PictureAge();
    /** The same by the timecode read from the picture itself (test pattern only). */
    private final PictureAge truthAge = new PictureAge();
    private final LatencyStats ageHistory = new LatencyStats(HISTORY_MILLIS, 0);
    private long nextAgeHistoryMicros;

    /** Parses what the operator typed; on error the message shows and the last good speed stays. */
    public boolean applySpeed(String text) {
        try {
            speed.set(Speed.parse(text, unit.get()));
            speedError.set("");
            refreshDistance();
            return true;
        } catch (SpeedFormatException e) {
            speedError.set(e.getMessage());
            return false;
        }
    }

    public void setUnit(SpeedUnit next) {
        unit.set(next);
    }

    public void onLatency(FrameLatency f, long nowMillis) {
        recent.addLast(f.totalMillis());
        while (recent.size() > 9) {
            recent.removeFirst();
        }
        double[] sorted = recent.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        latencyMs.set(sorted[sorted.length / 2]);
        cameraMs.set(f.cameraToSentMillis());
        networkMs.set(f.networkMillis());
        receiverMs.set(f.receiverMillis());
        screenMs.set(f.screenMillis());
        latencyHistory.add(nowMillis, f.totalMillis());
        distanceHistory.add(nowMillis, new BlindDistance(Math.max(0, f.totalMillis()), speed.get()).metres());
        age.captured(f.screenTimeMicros(), f.screenTimeMicros() - Math.round(f.totalMillis() * 1000));
    }

    /** A new picture reached the screen (its pulse's time, µs on the console's wall clock). */
    public void onPictureShown(long screenMicros) {
        age.shown(screenMicros);
    }

    /** The timecode read from the picture shown at {@code screenMicros}: it was {@code millis} old then. */
    public void onTruth(double millis, long screenMicros, long nowMillis) {
        truthMs.set(millis);
        truthHistory.add(nowMillis, millis);
        truthAge.shownWithCapture(screenMicros, screenMicros - Math.round(millis * 1000));
    }

    /**
     * Every render pulse: the big number becomes the age of the picture on screen now (it grows while no new picture
     * comes), the overlay's distance follows it, and a picture that stopped changing is said to be stale.
     */
    public void tick(long nowMicros) {
        age.advance(nowMicros);
        truthAge.advance(nowMicros);
        ageMs.set(age.ageMillis(nowMicros).orElse(Double.NaN));
        double since = age.sinceNewPictureMillis(nowMicros).orElse(0);
        boolean frozen = since >= STALE_AFTER_MILLIS;
        stale.set(frozen);
        staleText.set(frozen ? String.format(Locale.ROOT, "no new picture for %.1f s", since / 1000) : "");
        if (!Double.isNaN(ageMs.get()) && nowMicros >= nextAgeHistoryMicros) {
            ageHistory.add(nowMicros / 1000, ageMs.get());
            nextAgeHistoryMicros = nowMicros + AGE_HISTORY_STEP_MICROS;
        }
        refreshDistance();
    }

    public void onMeterError(double millis, long nowMillis) {
        meterErrors.add(nowMillis, Math.abs(millis));
    }

    public void onUncertainty(double millis) {
        uncertaintyMs.set(millis);
    }

    /** An https:// streamer's certificate: shown shortened, with whether it was pinned just now. */
    public void onCertificate(String fingerprint, boolean firstUse) {
        certificate.set("TLS " + fingerprint.substring(0, Math.min(23, fingerprint.length())) + "…"
                + (firstUse ? " pinned on first use" : " pinned"));
    }

    public void onLink(LinkState state, String detail) {
        link.set(state);
        linkState.set(state.label());
        linkDetail.set(detail);
        refreshDistance();
    }

    public void onStats(LinkStats s) {
        statsText.set(String.format(Locale.ROOT, "%s · %.0f kb/s · %.0f fps · loss %.1f %% · NACKs %d · freezes %d",
                s.candidateType(), s.bitrateKbps(), s.fps(), s.lossPercent(), s.nackCount(), s.freezeCount()));
    }

    /**
     * The streamer's word on the path: what it carries, what the camera sends now (it follows the path), and whether
     * frames are being skipped because the link is too narrow.
     */
    public void onPath(carsight.protocol.signal.SignalMessage.PathInfo p) {
        String estimate = p.estimateBps() == null ? "path: estimating" : String.format(Locale.ROOT, "path %.2f Mbit/s",
                p.estimateBps() / 1e6);
        pathText.set(estimate + String.format(Locale.ROOT, " · camera %.2f Mbit/s", p.cameraBitrateBps() / 1e6)
                + (p.queueMs() > 0 ? " · queue " + p.queueMs() + " ms" : "")
                + (p.framesSkipped() > 0 ? " · skipped " + p.framesSkipped() : ""));
        narrow.set(p.skipping());
    }

    public void onStream(int width, int height, double fps, String camera) {
        streamText.set(String.format(Locale.ROOT, "%dx%d @ %.0f fps · %s", width, height, fps, camera));
    }

    /**
     * The overlay: the picture's age × speed while live (the car keeps moving while the picture is frozen); once the
     * link is lost, that it is lost and how far behind the picture still on screen is.
     */
    private void refreshDistance() {
        LinkState state = link.get();
        double shownAge = ageMs.get();
        if (Double.isNaN(shownAge)) {
            if (state != LinkState.LIVE) {
                distanceText.set(state == LinkState.LINK_LOST ? "LINK LOST — the picture is not live" : state.label());
                level.set(DistanceLevel.RED);
            }
            return;
        }
        BlindDistance d = new BlindDistance(Math.max(0, shownAge), speed.get());
        if (state == LinkState.LIVE) {
            distanceText.set(d.describe());
            level.set(d.level(thresholds.get()));
        } else {
            distanceText.set((state == LinkState.LINK_LOST ? "LINK LOST" : state.label()) + " — picture " + d.describe());
            level.set(DistanceLevel.RED);
        }
    }

    /** How far the car has gone since the picture on screen was captured, at the speed in use; NaN before a picture. */
    public double distanceMetres() {
        double shownAge = ageMs.get();
        return Double.isNaN(shownAge) ? Double.NaN : new BlindDistance(Math.max(0, shownAge), speed.get()).metres();
    }

    /** The age of the picture on screen over the whole run, by the meter. */
    public Optional<PictureAge.Summary> ageSummary() {
        return age.summary();
    }

    /** The same by the timecode (test pattern only). */
    public Optional<PictureAge.Summary> truthAgeSummary() {
        return truthAge.summary();
    }

    /** The picture's age over the last 60 s, a point every 100 ms. */
    public double[][] ageSeries(long nowMillis) {
        return ageHistory.series(nowMillis);
    }

    public Optional<LatencySummary> latencySummary() {
        return latencyHistory.overall();
    }

    public Optional<LatencySummary> truthSummary() {
        return truthHistory.overall();
    }

    /** The truth samples of the last minute as (epoch ms, ms) pairs. */
    public double[][] truthSeries(long nowMillis) {
        return truthHistory.series(nowMillis);
    }

    public Optional<LatencySummary> meterErrorSummary() {
        return meterErrors.overall();
    }

    public Optional<LatencySummary> distanceSummary() {
        return distanceHistory.overall();
    }

    public Optional<LatencySummary> recentLatency(long nowMillis) {
        return latencyHistory.recent(nowMillis);
    }

    public double[][] latencySeries(long nowMillis) {
        return latencyHistory.series(nowMillis);
    }

    public double[][] distanceSeries(long nowMillis) {
        return distanceHistory.series(nowMillis);
    }

    public StringProperty linkStateProperty() { return linkState; }
    public StringProperty linkDetailProperty() { return linkDetail; }
    public StringProperty certificateProperty() { return certificate; }
    public ObjectProperty<LinkState> linkProperty() { return link; }
    /** The median latency of the last nine frames shown (a smaller figure beside the age). */
    public DoubleProperty latencyMsProperty() { return latencyMs; }
    /** How old the picture on screen is now, ms (NaN before the first). */
    public DoubleProperty ageMsProperty() { return ageMs; }
    /** "no new picture for 1.2 s", or empty while pictures come. */
    public StringProperty staleTextProperty() { return staleText; }
    public javafx.beans.property.BooleanProperty staleProperty() { return stale; }
    public DoubleProperty uncertaintyMsProperty() { return uncertaintyMs; }
    public DoubleProperty truthMsProperty() { return truthMs; }
    public DoubleProperty cameraMsProperty() { return cameraMs; }
    public DoubleProperty networkMsProperty() { return networkMs; }
    public DoubleProperty receiverMsProperty() { return receiverMs; }
    public DoubleProperty screenMsProperty() { return screenMs; }
    public ObjectProperty<Speed> speedProperty() { return speed; }
    public ObjectProperty<SpeedUnit> unitProperty() { return unit; }
    public StringProperty speedErrorProperty() { return speedError; }
    public StringProperty distanceTextProperty() { return distanceText; }
    public ObjectProperty<DistanceLevel> levelProperty() { return level; }
    public StringProperty statsTextProperty() { return statsText; }
    public StringProperty streamTextProperty() { return streamText; }
    public StringProperty pathTextProperty() { return pathText; }
    /** Frames are being skipped: the link is too narrow for the stream just now. */
    public javafx.beans.property.BooleanProperty narrowProperty() { return narrow; }
    public ObjectProperty<DistanceLevel.Thresholds> thresholdsProperty() { return thresholds; }

    static double[] copy(double[] a) {
        return Arrays.copyOf(a, a.length);
    }
}
