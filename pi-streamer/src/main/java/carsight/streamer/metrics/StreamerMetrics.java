package carsight.streamer.metrics;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Counters for {@code /metrics} (Prometheus text format 0.0.4) and {@code /healthz}. Lock-free: the camera and
 * viewer threads bump them on every frame and packet.
 */
public final class StreamerMetrics {

    private final LongAdder framesIn = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder packetsOut = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder nacksReceived = new LongAdder();
    private final LongAdder retransmissions = new LongAdder();
    private final LongAdder plisReceived = new LongAdder();
    private final LongAdder firsReceived = new LongAdder();
    private final LongAdder cameraRestarts = new LongAdder();
    private final LongAdder sessionsStarted = new LongAdder();
    private final LongAdder sessionsEnded = new LongAdder();
    private final LongAdder signalErrors = new LongAdder();
    private final LongAdder junkDropped = new LongAdder();
    private final LongAdder authFailures = new LongAdder();
    private final LongAdder sendFailures = new LongAdder();
    private final LongAdder iceRestarts = new LongAdder();
    private final LongAdder iceAgents = new LongAdder();
    private final LongAdder estimatesReceived = new LongAdder();
    private final LongAdder framesSkipped = new LongAdder();
    private final LongAdder paddingBytes = new LongAdder();
    private final LongAdder bitrateChanges = new LongAdder();
    private final LongAdder relayPackets = new LongAdder();
    private final LongAdder relayBytes = new LongAdder();
    private final LongAdder relayReconnects = new LongAdder();
    private volatile boolean relayConfigured;
    private volatile boolean relayUp;
    private volatile long cameraBitrateBps;
    private volatile long servedEstimateBps = -1;
    private final AtomicInteger viewers = new AtomicInteger();
    private volatile Supplier<Integer> viewerCount = viewers::get;

    /** The stream is published to a relay ({@code --relay}): its figures appear in {@link #prometheus()}. */
    public void relayConfigured() {
        relayConfigured = true;
    }

    public void relayUp(boolean up) {
        relayUp = up;
    }

    public void relayReconnected() {
        relayReconnects.increment();
    }

    public void relayPacketSent(int bytes) {
        relayPackets.increment();
        relayBytes.add(bytes);
    }

    public void frameIn(int bytes) {
        framesIn.increment();
        bytesIn.add(bytes);
    }

    public void packetSent(int bytes) {
        packetsOut.increment();
        bytesOut.add(bytes);
    }

    public void retransmitted(int bytes) {
        retransmissions.increment();
        packetsOut.increment();
        bytesOut.add(bytes);
    }

    public void nackReceived() {
        nacksReceived.increment();
    }

    public void pliReceived() {
        plisReceived.increment();
    }

    public void firReceived() {
        firsReceived.increment();
    }

    public void cameraRestarted() {
        cameraRestarts.increment();
    }

    public void sessionStarted() {
        sessionsStarted.increment();
    }

    public void sessionEnded() {
        sessionsEnded.increment();
    }

    public void signalError() {
        signalErrors.increment();
    }

    public void junkDropped() {
        junkDropped.increment();
    }

    /** A packet could not leave (its path broke: e.g. the address it was sent from is gone). */
    public void sendFailed() {
        sendFailures.increment();
    }

    /** A viewer's ICE restart connected: its session goes on over the new path. */
    public void iceRestarted() {
        iceRestarts.increment();
    }

    public long iceRestarts() {
        return iceRestarts.sum();
    }

    /** An ICE agent was set up for a viewer's offer (it gathers candidates: what a refused offer must not cost). */
    public void iceAgentStarted() {
        iceAgents.increment();
    }

    /** A receiver's bandwidth estimate (REMB) arrived. */
    public void estimateReceived() {
        estimatesReceived.increment();
    }

    /** Frames not sent to a viewer because they waited longer than the latency budget (or followed one that did). */
    public void framesSkipped(int frames) {
        framesSkipped.add(frames);
    }

    public long framesSkipped() {
        return framesSkipped.sum();
    }

    /** Padding sent to keep a viewer's receiver hearing its path's worth (also counted in the bytes sent). */
    public void paddingSent(int bytes) {
        paddingBytes.add(bytes);
    }

    /** The camera's bitrate now, and the estimate it follows (-1: none yet). */
    public void cameraBitrate(long bitsPerSecond, long servedEstimate) {
        cameraBitrateBps = bitsPerSecond;
        servedEstimateBps = servedEstimate;
    }

    public void bitrateChanged() {
        bitrateChanges.increment();
    }

    public long cameraBitrateBps() {
        return cameraBitrateBps;
    }

    public void authFailed() {
        authFailures.increment();
    }

    /** Where the current viewer count comes from (the session registry). */
    public void viewerCountFrom(Supplier<Integer> source) {
        this.viewerCount = source;
    }

    public long framesIn() {
        return framesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    public long nacksReceived() {
        return nacksReceived.sum();
    }

    public long retransmissions() {
        return retransmissions.sum();
    }

    public long cameraRestarts() {
        return cameraRestarts.sum();
    }

    public int viewers() {
        return viewerCount.get();
    }

    public String prometheus() {
        StringBuilder out = new StringBuilder(2048);
        counter(out, "carsight_frames_in_total", "Encoded frames received from the camera.", framesIn.sum());
        counter(out, "carsight_bytes_in_total", "H.264 bytes received from the camera.", bytesIn.sum());
        counter(out, "carsight_packets_out_total", "SRTP packets sent to viewers, retransmissions included.", packetsOut.sum());
        counter(out, "carsight_bytes_out_total", "SRTP bytes sent to viewers.", bytesOut.sum());
        counter(out, "carsight_nacks_received_total", "Generic NACK messages received from viewers.", nacksReceived.sum());
        counter(out, "carsight_retransmissions_total", "Packets resent in answer to NACKs.", retransmissions.sum());
        counter(out, "carsight_plis_received_total", "Picture loss indications received.", plisReceived.sum());
        counter(out, "carsight_firs_received_total", "Full intra requests received.", firsReceived.sum());
        counter(out, "carsight_camera_restarts_total", "Times the camera process was restarted.", cameraRestarts.sum());
        counter(out, "carsight_sessions_started_total", "Viewer media sessions that started.", sessionsStarted.sum());
        counter(out, "carsight_sessions_ended_total", "Viewer media sessions that ended.", sessionsEnded.sum());
        counter(out, "carsight_signal_errors_total", "Signaling messages refused.", signalErrors.sum());
        counter(out, "carsight_junk_packets_dropped_total", "Media-port packets dropped as unusable.", junkDropped.sum());
        counter(out, "carsight_send_failures_total", "Packets that could not be sent (broken path).", sendFailures.sum());
        counter(out, "carsight_ice_restarts_total", "ICE restarts that brought a viewer's session onto a new path.",
                iceRestarts.sum());
        counter(out, "carsight_ice_agents_total", "ICE agents set up for viewers' offers (first offers and restarts).",
                iceAgents.sum());
        counter(out, "carsight_auth_failures_total", "Requests refused for a bad token.", authFailures.sum());
        counter(out, "carsight_estimates_received_total", "Bandwidth estimates (REMB) received from viewers.",
                estimatesReceived.sum());
        counter(out, "carsight_frames_skipped_total", "Frames not sent to a viewer because they waited longer than the "
                + "latency budget (or followed one that did).", framesSkipped.sum());
        counter(out, "carsight_padding_bytes_total", "Padding sent to viewers whose receivers' estimates were held down "
                + "by how little they were sent (included in carsight_bytes_out_total).", paddingBytes.sum());
        counter(out, "carsight_bitrate_changes_total", "Times the camera's bitrate was changed to fit the viewers' paths.",
                bitrateChanges.sum());
        gauge(out, "carsight_camera_bitrate_bps", "The bitrate the camera is set to now.", cameraBitrateBps);
        if (servedEstimateBps >= 0) {
            gauge(out, "carsight_path_estimate_bps", "The viewers' path estimate the camera's bitrate follows.",
                    servedEstimateBps);
        }
        if (relayConfigured) {
            gauge(out, "carsight_relay_up", "1 while the stream is published to the relay's mountpoint, 0 while the "
                    + "link to it is being made again.", relayUp ? 1 : 0);
            counter(out, "carsight_relay_reconnects_total", "Times the link to the relay was made again after it was "
                    + "lost (Janus restarted, the path broke).", relayReconnects.sum());
            counter(out, "carsight_relay_packets_out_total", "SRTP packets sent to the relay.", relayPackets.sum());
            counter(out, "carsight_relay_bytes_out_total", "SRTP bytes sent to the relay.", relayBytes.sum());
        }
        out.append("# HELP carsight_viewers Viewers connected now.\n# TYPE carsight_viewers gauge\n");
        out.append("carsight_viewers ").append(viewers()).append('\n');
        return out.toString();
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n");
        out.append(name).append(' ').append(String.format(Locale.ROOT, "%d", value)).append('\n');
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        out.append(name).append(' ').append(String.format(Locale.ROOT, "%d", value)).append('\n');
    }
}
