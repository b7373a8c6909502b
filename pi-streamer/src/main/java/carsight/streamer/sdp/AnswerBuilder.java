package carsight.streamer.sdp;

import carsight.streamer.rtp.HeaderExtensions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes the answer to a viewer's offer (read by {@link OfferReader}) for a send-only stream: full ICE, DTLS
 * {@code setup:passive}, BUNDLE and rtcp-mux, one H.264 payload type with {@code packetization-mode=1}, the header
 * extensions we send that the offer numbered.
 */
public final class AnswerBuilder {

    private static final List<String> SUPPORTED_EXTENSIONS = OfferReader.SUPPORTED_EXTENSIONS;

    /** What we bring to the answer. */
    public record Local(String iceUfrag, String icePassword, List<String> candidates, String fingerprint, long ssrc,
                        String cname, String streamProfileLevelId) {
        public Local {
            candidates = List.copyOf(candidates);
        }
    }

    private AnswerBuilder() {
    }

    /** Reads the offer ({@link OfferReader}) and answers it. */
    public static Answer answer(String offerSdp, Local local) throws SdpFormatException, OfferRefusedException {
        return answer(OfferReader.read(offerSdp, local.streamProfileLevelId()), local);
    }

    /** The answer to an offer already read, with our ICE credentials and candidates, fingerprint and SSRC. */
    public static Answer answer(OfferReader.Offer read, Local local) {
        SessionDescription offer = read.offer();
        SessionDescription.Media video = read.video();
        String mid = read.mid();
        String chosenPt = read.chosenPt();
        String answeredProfile = read.answeredProfile();
        Map<String, Integer> extensionIds = read.extensionIds();
        boolean nack = read.nack();
        boolean pli = read.pli();
        boolean fir = read.fir();
        StringBuilder sdp = new StringBuilder();
        line(sdp, "v=0");
        line(sdp, "o=carsight " + (ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + " 2 IN IP4 0.0.0.0");
        line(sdp, "s=carsight");
        line(sdp, "t=0 0");
        line(sdp, "a=group:BUNDLE " + mid);
        line(sdp, "a=msid-semantic: WMS carsight");
        for (SessionDescription.Media m : offer.media()) {
            if (m != video) {
                line(sdp, "m=" + m.kind() + " 0 " + m.protocol() + " " + String.join(" ", m.formats()));
                line(sdp, "c=IN IP4 0.0.0.0");
                m.first("mid").ifPresent(x -> line(sdp, "a=mid:" + x));
                continue;
            }
            line(sdp, "m=video 9 " + m.protocol() + " " + chosenPt);
            line(sdp, "c=IN IP4 0.0.0.0");
            line(sdp, "a=rtcp:9 IN IP4 0.0.0.0");
            line(sdp, "a=ice-ufrag:" + local.iceUfrag());
            line(sdp, "a=ice-pwd:" + local.icePassword());
            line(sdp, "a=fingerprint:" + local.fingerprint());
            line(sdp, "a=setup:passive");
            line(sdp, "a=mid:" + mid);
            for (String uri : SUPPORTED_EXTENSIONS) {
                Integer id = extensionIds.get(uri);
                if (id != null) {
                    line(sdp, "a=extmap:" + id + " " + uri);
                }
            }
            line(sdp, "a=sendonly");
            line(sdp, "a=msid:carsight camera");
            line(sdp, "a=rtcp-mux");
            if (m.has("rtcp-rsize")) {
                line(sdp, "a=rtcp-rsize");
            }
            line(sdp, "a=rtpmap:" + chosenPt + " H264/90000");
            if (nack) {
                line(sdp, "a=rtcp-fb:" + chosenPt + " nack");
            }
            if (pli) {
                line(sdp, "a=rtcp-fb:" + chosenPt + " nack pli");
            }
            if (fir) {
                line(sdp, "a=rtcp-fb:" + chosenPt + " ccm fir");
            }
            line(sdp, "a=fmtp:" + chosenPt + " level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=" + answeredProfile);
            line(sdp, "a=ssrc:" + local.ssrc() + " cname:" + local.cname());
            line(sdp, "a=ssrc:" + local.ssrc() + " msid:carsight camera");
            for (String candidate : local.candidates()) {
                line(sdp, "a=" + candidate);
            }
            line(sdp, "a=end-of-candidates");
        }
        Negotiated negotiated = new Negotiated(mid, Integer.parseInt(chosenPt), answeredProfile, nack, pli, fir,
                extensionIds.getOrDefault(HeaderExtensions.PLAYOUT_DELAY_URI, 0),
                extensionIds.getOrDefault(HeaderExtensions.ABS_SEND_TIME_URI, 0),
                extensionIds.getOrDefault(HeaderExtensions.ABS_CAPTURE_TIME_URI, 0),
                read.ufrag(), read.pwd(), read.fingerprint(), read.remoteCandidates());
        return new Answer(sdp.toString(), negotiated, read.note());
    }

    private static void line(StringBuilder sdp, String line) {
        sdp.append(line).append("\r\n");
    }
}
