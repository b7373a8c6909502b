package carsight.streamer.sdp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AnswerBuilderTest {

    static String offer(String name) throws Exception {
        return Files.readString(Path.of("src/test/resources/sdp/" + name));
    }

    static AnswerBuilder.Local local(String profile) {
        return new AnswerBuilder.Local("ufrag1", "password-of-22-chars-xx", List.of(
                "candidate:1 1 udp 2130706431 198.51.100.1 50000 typ host"),
                "sha-256 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99",
                0x11223344L, "carsight-test", profile);
    }

    @ParameterizedTest(name = "{0} for a {1} stream answers {2}")
    @CsvSource({
            "chromium-156-recvonly-offer.sdp, 42c01f, 42e01f",
            "chromium-156-recvonly-offer.sdp, 640028, f40028",
            "webrtc-java-0.14-recvonly-offer.sdp, 42e01f, 42e01f",
            "webrtc-java-0.14-recvonly-offer.sdp, 640028, f40028",
    })
    void answersRealOffersWithEverythingTheReceiverNeeds(String file, String streamProfile, String answered) throws Exception {
        Answer answer = AnswerBuilder.answer(offer(file), local(streamProfile));
        String sdp = answer.sdp();

        assertThat(sdp).contains("a=setup:passive", "a=rtcp-mux", "a=sendonly", "a=ice-ufrag:ufrag1",
                "a=ice-pwd:password-of-22-chars-xx", "a=fingerprint:sha-256 AA:BB", "a=end-of-candidates",
                "a=candidate:1 1 udp 2130706431 198.51.100.1 50000 typ host", "a=ssrc:287454020 cname:carsight-test");
        Negotiated n = answer.negotiated();
        assertThat(sdp).contains("a=group:BUNDLE " + n.mid());
        assertThat(sdp).contains("a=fmtp:" + n.payloadType() + " level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=" + answered);
        assertThat(n.profileLevelId()).isEqualTo(answered);
        assertThat(n.nack()).isTrue();
        assertThat(n.pli()).isTrue();
        assertThat(n.fir()).isTrue();
        assertThat(n.playoutDelayId()).isEqualTo(5);
        assertThat(n.absSendTimeId()).isEqualTo(2);
        assertThat(sdp).contains("a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay");
        assertThat(n.remoteFingerprint()).startsWith("sha-256 ");
        assertThat(answer.note() != null).isEqualTo(!streamProfile.startsWith("42"));
        // the answer parses back with the same parser
        SessionDescription back = SessionDescription.parse(sdp);
        assertThat(back.media()).hasSameSizeAs(SessionDescription.parse(offer(file)).media());
    }

    @Test
    void anOfferWithNewIceCredentialsAndTheSameMediaIsAnIceRestartAnythingMoreIsNot() throws Exception {
        String first = offer("chromium-156-recvonly-offer.sdp");
        Negotiated current = AnswerBuilder.answer(first, local("42e01f")).negotiated();
        String ufrag = current.remoteUfrag();
        String restart = first.replace("a=ice-ufrag:" + ufrag, "a=ice-ufrag:n3wU")
                .replace("a=ice-pwd:" + current.remotePassword(), "a=ice-pwd:a-new-password-of-24-ch");
        Negotiated restarted = AnswerBuilder.answer(restart, local("42e01f")).negotiated();
        assertThat(restarted.remoteUfrag()).isEqualTo("n3wU");
        assertThat(current.isIceRestartOf(restarted)).isTrue();
        // the same credentials: not a restart (a renegotiation we do not do)
        assertThat(current.isIceRestartOf(AnswerBuilder.answer(first, local("42e01f")).negotiated())).isFalse();
        // another DTLS certificate: another peer connection, so a new session
        String fingerprint = current.remoteFingerprint().substring("sha-256 ".length());
        String otherPeer = restart.replace(fingerprint, fingerprint.replace(fingerprint.substring(0, 2),
                fingerprint.startsWith("00") ? "11" : "00"));
        assertThat(current.isIceRestartOf(AnswerBuilder.answer(otherPeer, local("42e01f")).negotiated())).isFalse();
        // other media (the playout-delay extension left out): a new session
        String otherMedia = restart.replaceAll("a=extmap:\\d+ http://www.webrtc.org/experiments/rtp-hdrext/playout-delay\r\n", "");
        assertThat(current.isIceRestartOf(AnswerBuilder.answer(otherMedia, local("42e01f")).negotiated())).isFalse();
    }

    @Test
    void whepStyleOffersCarryTheirCandidates() throws Exception {
        Negotiated n = AnswerBuilder.answer(offer("chromium-156-recvonly-offer.sdp"), local("42e01f")).negotiated();
        assertThat(n.remoteCandidates()).anyMatch(c -> c.startsWith("candidate:") && c.contains("198.51.100.2"));
    }

    @Test
    void theDataChannelSectionIsRejectedInPlace() throws Exception {
        String sdp = AnswerBuilder.answer(offer("webrtc-java-0.14-recvonly-offer.sdp"), local("42e01f")).sdp();
        assertThat(sdp).contains("m=application 0 UDP/DTLS/SCTP webrtc-datachannel").contains("a=mid:1");
        assertThat(sdp).contains("a=group:BUNDLE 0\r\n");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "a=recvonly|a=sendonly|it must be recvonly",
            "a=setup:actpass|a=setup:passive|setup:passive",
            "a=rtcp-mux|a=x-rtcp-mux|rtcp-mux",
            "a=fingerprint:|a=x-fingerprint:|fingerprint",
            "H264/90000|H265/90000|no H.264",
            "packetization-mode=1|packetization-mode=0|packetization-mode=1",
    })
    void offersWeCannotServeAreRefusedWithTheReason(String from, String to, String reason) throws Exception {
        String bad = offer("webrtc-java-0.14-recvonly-offer.sdp").replace(from, to);
        assertThatThrownBy(() -> AnswerBuilder.answer(bad, local("42e01f"))).isInstanceOf(OfferRefusedException.class)
                .hasMessageContaining(reason);
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', value = {
            "''|empty",
            "hello|not '<letter>=<value>'",
            "o=- 1 2 IN IP4 0.0.0.0|must start with 'v=0'",
            "v=0\\nm=video x UDP 96|bad port",
            "v=0\\nm=video|m= needs",
    })
    void malformedSdpIsRefusedWithTheLine(String sdp, String message) {
        assertThatThrownBy(() -> SessionDescription.parse(sdp.replace("\\n", "\n"))).isInstanceOf(SdpFormatException.class)
                .hasMessageContaining(message);
    }

    @Test
    void oversizeSdpIsRefused() {
        assertThatThrownBy(() -> SessionDescription.parse("v=0\r\n" + "a=x\r\n".repeat(10_000)))
                .hasMessageContaining("larger than");
    }
}
