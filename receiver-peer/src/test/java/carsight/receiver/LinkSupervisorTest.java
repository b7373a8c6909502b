package carsight.receiver;

import carsight.receiver.LinkSupervisor.Action;
import carsight.receiver.LinkSupervisor.RestartIce;
import carsight.receiver.LinkSupervisor.SetState;
import carsight.receiver.LinkSupervisor.StartOver;
import dev.onvoid.webrtc.RTCIceConnectionState;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The supervisor's rules on a made-up clock: every time below is chosen, none is waited for. */
class LinkSupervisorTest {

    private final LinkSupervisor supervisor = new LinkSupervisor();

    private static long ms(long millis) {
        return millis * 1_000_000L;
    }

    /** A link that connected and showed video at 0..{@code lastFrame} ms, watched every 250 ms up to {@code until}. */
    private List<Action> liveThenSilent(long lastFrame, long until) {
        supervisor.connecting(ms(0), "streamer");
        supervisor.ice(RTCIceConnectionState.CONNECTED, ms(50));
        for (long t = 100; t <= lastFrame; t += 33) {
            supervisor.frame(ms(t));
        }
        List<Action> all = new java.util.ArrayList<>();
        for (long t = lastFrame + 250; t <= until; t += 250) {
            all.addAll(supervisor.tick(ms(t), true));
        }
        return all;
    }

    @Test
    void connectingThenOfferThenIceMakesTheLinkLive() {
        assertThat(supervisor.connecting(ms(0), "http://car:8080")).containsExactly(
                new SetState(LinkState.CONNECTING, "http://car:8080"));
        assertThat(supervisor.offered()).containsExactly(new SetState(LinkState.NEGOTIATING, "offer sent"));
        assertThat(supervisor.ice(RTCIceConnectionState.CHECKING, ms(10))).isEmpty();
        assertThat(supervisor.ice(RTCIceConnectionState.CONNECTED, ms(20))).containsExactly(
                new SetState(LinkState.LIVE, "ICE connected"));
    }

    @Test
    void videoSilentForOneAndAHalfSecondsRestartsIceOnce() {
        List<Action> actions = liveThenSilent(1_000, 2_500);
        // the last frame at 991 ms, ticks every 250 ms from 1250 ms: at 2250 ms 1259 ms of silence, at 2500 ms 1509
        assertThat(actions).containsExactly(
                new SetState(LinkState.LINK_LOST, "no video for 1509 ms: restarting ICE"), new RestartIce());
        assertThat(supervisor.tick(ms(2_750), true)).as("one restart per outage").isEmpty();
    }

    @Test
    void noRestartWhileTheSignalingSocketIsDown() {
        supervisor.connecting(ms(0), "streamer");
        supervisor.ice(RTCIceConnectionState.CONNECTED, ms(50));
        supervisor.frame(ms(100));
        assertThat(supervisor.tick(ms(1_700), false)).isEmpty();
    }

    @Test
    void videoBackAfterTheRestartMakesTheLinkLiveAgainAndTheNextOutageMayRestartAgain() {
        liveThenSilent(1_000, 2_500);
        assertThat(supervisor.ice(RTCIceConnectionState.CONNECTED, ms(2_700)))
                .as("libwebrtc's word alone is not enough while restarting").isEmpty();
        assertThat(supervisor.frame(ms(2_800))).containsExactly(
                new SetState(LinkState.LIVE, "video back 300 ms after the ICE restart was asked for"));
        assertThat(supervisor.frame(ms(2_833))).isEmpty();
        assertThat(supervisor.tick(ms(4_400), true)).containsExactly(
                new SetState(LinkState.LINK_LOST, "no video for 1567 ms: restarting ICE"), new RestartIce());
    }

    @Test
    void stillSilentFourSecondsAfterTheLastFrameAndThreeAfterTheRestartStartsOver() {
        List<Action> actions = liveThenSilent(1_000, 6_000);
        // restart at 2.5 s; 4 s of silence at 5 s, but the restart is younger than 3 s until 5.5 s
        assertThat(actions).filteredOn(a -> a instanceof StartOver).containsExactly(new StartOver(500, "no video for 4 s"));
        assertThat(actions).last().isEqualTo(new StartOver(500, "no video for 4 s"));
        assertThat(actions).contains(new SetState(LinkState.LINK_LOST, "no video for 4 s"));
        assertThat(supervisor.ended()).isTrue();
        assertThat(supervisor.tick(ms(7_000), true)).as("an ended attempt does nothing more").isEmpty();
        assertThat(supervisor.frame(ms(7_000))).isEmpty();
    }

    @Test
    void theStartOverComesAtTheFirstTickPastBothLimits() {
        supervisor.connecting(ms(0), "streamer");
        supervisor.ice(RTCIceConnectionState.CONNECTED, ms(10));
        supervisor.frame(ms(1_000));
        assertThat(supervisor.tick(ms(2_600), true)).contains(new RestartIce());
        assertThat(supervisor.tick(ms(5_000), true)).as("4.0 s silent, restart 2.4 s old").isEmpty();
        assertThat(supervisor.tick(ms(5_500), true)).as("restart 2.9 s old").isEmpty();
        assertThat(supervisor.tick(ms(5_700), true)).contains(new StartOver(500, "no video for 4 s"));
    }

    @Test
    void backOffDoublesToOneSecondAndALiveAttemptResetsIt() {
        supervisor.connecting(ms(0), "streamer");
        assertThat(supervisor.signalClosed(1006, "refused")).containsExactly(
                new SetState(LinkState.LINK_LOST, "signaling closed: refused"), new StartOver(500, "signaling closed: refused"));
        supervisor.connecting(ms(1_000), "streamer");
        assertThat(supervisor.failed(LinkState.LINK_LOST, "cannot reach")).contains(new StartOver(1_000, "cannot reach"));
        supervisor.connecting(ms(2_000), "streamer");
        assertThat(supervisor.failed(LinkState.LINK_LOST, "cannot reach")).as("capped").contains(new StartOver(1_000, "cannot reach"));
        supervisor.connecting(ms(3_000), "streamer");
        supervisor.ice(RTCIceConnectionState.CONNECTED, ms(3_100));
        assertThat(supervisor.ice(RTCIceConnectionState.FAILED, ms(9_000))).containsExactly(
                new SetState(LinkState.LINK_LOST, "ICE failed: no network path to the streamer"),
                new StartOver(500, "ICE failed: no network path to the streamer"));
    }

    @Test
    void aRefusedTokenIsSaidSoAndAnErrorOnTheSocketIsNamed() {
        supervisor.connecting(ms(0), "streamer");
        assertThat(supervisor.signalClosed(1008, "unauthorized")).first().isEqualTo(
                new SetState(LinkState.UNAUTHORIZED, "the streamer refused the token"));
        supervisor.connecting(ms(0), "streamer");
        assertThat(supervisor.signalClosed(-1, "Connection reset")).first().isEqualTo(
                new SetState(LinkState.LINK_LOST, "signaling error: Connection reset"));
    }

    @Test
    void anAttemptThatNeverConnectsStartsOverAfterFifteenSeconds() {
        supervisor.connecting(ms(0), "streamer");
        assertThat(supervisor.tick(ms(15_000), true)).isEmpty();
        assertThat(supervisor.tick(ms(15_250), true)).containsExactly(
                new SetState(LinkState.LINK_LOST, "no connection after 15 s"), new StartOver(500, "no connection after 15 s"));
    }

    @Test
    void aDisconnectIsShownButWaitedOut() {
        supervisor.connecting(ms(0), "streamer");
        supervisor.ice(RTCIceConnectionState.CONNECTED, ms(10));
        assertThat(supervisor.ice(RTCIceConnectionState.DISCONNECTED, ms(500))).containsExactly(
                new SetState(LinkState.LINK_LOST, "ICE disconnected: waiting for the path to come back"));
        assertThat(supervisor.ended()).isFalse();
    }

    @Test
    void aSecondFailureOfTheSameAttemptIsIgnored() {
        supervisor.connecting(ms(0), "streamer");
        assertThat(supervisor.failed(LinkState.LINK_LOST, "first")).hasSize(2);
        assertThat(supervisor.failed(LinkState.LINK_LOST, "second")).isEmpty();
        assertThat(supervisor.signalClosed(1000, "closed")).isEmpty();
    }
}
