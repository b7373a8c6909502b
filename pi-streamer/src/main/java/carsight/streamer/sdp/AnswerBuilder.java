package carsight.streamer.sdp;

import carsight.streamer.rtp.HeaderExtensions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Answers a viewer's offer (recvonly or sendrecv video, H.264) for a send-only stream: full ICE, DTLS
 * {@code setup:passive}, BUNDLE and rtcp-mux, one H.264 payload type with {@code packetization-mode=1}.
 *
 * <p>The payload type is chosen for the stream's own profile: the same profile if offered; else the nearest offered
 * profile whose decoders must also decode ours (e.g. High 4:4:4 for a High stream); else the highest offered one
 * below ours, with a note saying so — the receivers we serve decode with FFmpeg, which takes any profile, but the
 * answer must name one the offer had.
 */
public final class AnswerBuilder {

    private static final List<String> SUPPORTED_EXTENSIONS = List.of(HeaderExtensions.PLAYOUT_DELAY_URI,
            HeaderExtensions.ABS_SEND_TIME_URI, HeaderExtensions.ABS_CAPTURE_TIME_URI);

    /** What we bring to the answer. */
    public record Local(String iceUfrag, String icePassword, List<String> candidates, String fingerprint, long ssrc,
                        String cname, String streamProfileLevelId) {
        public Local {
            candidates = List.copyOf(candidates);
        }
    }

    private AnswerBuilder() {
    }

    public static Answer answer(String offerSdp, Local local) throws SdpFormatException, OfferRefusedException {
        SessionDescription offer = SessionDescription.parse(offerSdp);
        SessionDescription.Media video = null;
        for (SessionDescription.Media m : offer.media()) {
            if (m.kind().equals("video") && m.port() != 0) {
                video = m;
                break;
            }
        }
        if (video == null) {
            throw new OfferRefusedException("the offer has no video section to receive our camera");
        }
        if (!video.protocol().contains("SAVPF") && !video.protocol().contains("SAVP")) {
            throw new OfferRefusedException("the video section's protocol " + video.protocol() + " is not SRTP (UDP/TLS/RTP/SAVPF)");
        }
        String direction = video.has("recvonly") ? "recvonly" : video.has("sendonly") ? "sendonly"
                : video.has("inactive") ? "inactive" : "sendrecv";
        if (!direction.equals("recvonly") && !direction.equals("sendrecv")) {
            throw new OfferRefusedException("the video section is " + direction + "; it must be recvonly (or sendrecv)");
        }
        String mid = video.first("mid").orElseThrow(() -> new OfferRefusedException("the video section has no a=mid"));
        String ufrag = offer.attribute(video, "ice-ufrag").orElseThrow(() -> new OfferRefusedException("the offer has no a=ice-ufrag"));
        String pwd = offer.attribute(video, "ice-pwd").orElseThrow(() -> new OfferRefusedException("the offer has no a=ice-pwd"));
        String fingerprint = offer.attribute(video, "fingerprint")
                .orElseThrow(() -> new OfferRefusedException("the offer has no a=fingerprint: DTLS-SRTP is required"));
        if (!fingerprint.toLowerCase(Locale.ROOT).startsWith("sha-256 ")) {
            throw new OfferRefusedException("the offer's fingerprint must be sha-256, got '" + fingerprint.split(" ")[0] + "'");
        }
        String setup = offer.attribute(video, "setup").orElse("actpass");
        if (setup.equals("passive")) {
            throw new OfferRefusedException("the offer is a=setup:passive; we are the DTLS server, so it must be actpass or active");
        }
        if (!video.has("rtcp-mux")) {
            throw new OfferRefusedException("the offer has no a=rtcp-mux; RTP and RTCP must share one port");
        }

        Map<String, String> codecs = new HashMap<>();
        for (String rtpmap : video.all("rtpmap")) {
            String[] f = rtpmap.split("\\s+", 2);
            if (f.length == 2) {
                codecs.put(f[0], f[1]);
            }
        }
        Map<String, Map<String, String>> fmtp = new HashMap<>();
        for (String line : video.all("fmtp")) {
            String[] f = line.split("\\s+", 2);
            Map<String, String> params = new HashMap<>();
            if (f.length == 2) {
                for (String p : f[1].split(";")) {
                    int eq = p.indexOf('=');
                    if (eq > 0) {
                        params.put(p.substring(0, eq).trim().toLowerCase(Locale.ROOT), p.substring(eq + 1).trim());
                    }
                }
            }
            fmtp.put(f[0], params);
        }
        H264Profile ours = H264Profile.parse(local.streamProfileLevelId());
        String chosenPt = null;
        H264Profile chosen = null;
        boolean anyH264 = false;
        for (String pt : video.formats()) {
            String codec = codecs.getOrDefault(pt, "");
            if (!codec.toUpperCase(Locale.ROOT).startsWith("H264/90000")) {
                continue;
            }
            anyH264 = true;
            Map<String, String> params = fmtp.getOrDefault(pt, Map.of());
            if (!"1".equals(params.get("packetization-mode"))) {
                continue;
            }
            H264Profile offered;
            try {
                offered = H264Profile.parse(params.getOrDefault("profile-level-id", "42000a"));
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (chosen == null || better(ours, offered, chosen)) {
                chosen = offered;
                chosenPt = pt;
            }
        }
        if (!anyH264) {
            throw new OfferRefusedException("the offer has no H.264; this camera sends H.264 only");
        }
        if (chosen == null) {
            throw new OfferRefusedException("the offer's H.264 lacks packetization-mode=1 (non-interleaved), which we send");
        }
        String note = null;
        if (chosen.rank() != ours.rank()) {
            note = chosen.rank() > ours.rank()
                    ? "offer has no " + ours.name() + " profile; answering " + chosen.hex() + " (" + chosen.name()
                      + "), whose decoders also decode " + ours.name()
                    : "offer has no " + ours.name() + " profile; answering " + chosen.hex() + " (" + chosen.name()
                      + "), the closest offered; receivers decoding with FFmpeg (Chrome, libwebrtc) still show it";
        }
        String answeredProfile = chosen.withLevel(Math.max(chosen.levelIdc(), ours.levelIdc())).hex();

        List<String> feedback = video.all("rtcp-fb");
        boolean nack = feedback.contains(chosenPt + " nack");
        boolean pli = feedback.contains(chosenPt + " nack pli");
        boolean fir = feedback.contains(chosenPt + " ccm fir");

        Map<String, Integer> extensionIds = new HashMap<>();
        for (String extmap : video.all("extmap")) {
            String[] f = extmap.split("\\s+");
            if (f.length >= 2 && SUPPORTED_EXTENSIONS.contains(f[1])) {
                try {
                    int id = Integer.parseInt(f[0].split("/")[0]);
                    if (id >= 1 && id <= 14) {
                        extensionIds.put(f[1], id);
                    }
                } catch (NumberFormatException e) {
                    // an extension we cannot number is one we do not send
                }
            }
        }

        List<String> remoteCandidates = new ArrayList<>();
        for (String c : video.all("candidate")) {
            remoteCandidates.add("candidate:" + c);
        }

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
                ufrag, pwd, fingerprint, remoteCandidates);
        return new Answer(sdp.toString(), negotiated, note);
    }

    /** Is {@code candidate} a better answer than {@code current} for a stream of profile {@code ours}? */
    private static boolean better(H264Profile ours, H264Profile candidate, H264Profile current) {
        int target = ours.rank();
        int c = score(target, candidate.rank());
        int k = score(target, current.rank());
        return c > k;
    }

    /** Exact match first, then the nearest rank above (a superset decoder), then the nearest below. */
    private static int score(int target, int rank) {
        if (rank == target) {
            return 1000;
        }
        if (rank > target) {
            return 500 - (rank - target);
        }
        return 100 - (target - rank);
    }

    private static void line(StringBuilder sdp, String line) {
        sdp.append(line).append("\r\n");
    }
}
