package carsight.streamer.sdp;

import carsight.streamer.rtp.HeaderExtensions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a viewer's offer for what a send-only H.264 stream needs — a recvonly (or sendrecv) SRTP video section with
 * rtcp-mux, ICE credentials, a sha-256 DTLS fingerprint, H.264 with {@code packetization-mode=1} — and decides the
 * answer's payload type and extensions, or refuses the offer saying why. It needs nothing but the offer, so an offer
 * that cannot be served is refused before anything (ICE gathering, DTLS) is spent on it.
 *
 * <p>The payload type is chosen for the stream's own profile: the same profile if offered; else the nearest offered
 * profile whose decoders must also decode ours (e.g. High 4:4:4 for a High stream); else the highest offered one
 * below ours, with a note saying so — the receivers we serve decode with FFmpeg, which takes any profile, but the
 * answer must name one the offer had.
 */
public final class OfferReader {

    static final List<String> SUPPORTED_EXTENSIONS = List.of(HeaderExtensions.PLAYOUT_DELAY_URI,
            HeaderExtensions.ABS_SEND_TIME_URI, HeaderExtensions.ABS_CAPTURE_TIME_URI);

    /**
     * What the offer says that the answer follows.
     *
     * @param video           the offer's video section; {@code media} all of its sections, in order
     * @param answeredProfile the profile-level-id the answer names
     * @param extensionIds    the offer's ids of the header extensions we send, by URI
     * @param note            a word for the log about the profile chosen, or null
     */
    public record Offer(SessionDescription offer, SessionDescription.Media video, String mid, String ufrag, String pwd,
                        String fingerprint, String chosenPt, String answeredProfile, boolean nack, boolean pli,
                        boolean fir, Map<String, Integer> extensionIds, List<String> remoteCandidates, String note) {
    }

    private OfferReader() {
    }

    /**
     * @param streamProfileLevelId the profile-level-id of the stream we send
     * @throws OfferRefusedException saying what the offer lacks for this stream
     */
    public static Offer read(String offerSdp, String streamProfileLevelId) throws SdpFormatException, OfferRefusedException {
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
        H264Profile ours = H264Profile.parse(streamProfileLevelId);
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

        return new Offer(offer, video, mid, ufrag, pwd, fingerprint, chosenPt, answeredProfile, nack, pli, fir,
                Map.copyOf(extensionIds), List.copyOf(remoteCandidates), note);
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
}
