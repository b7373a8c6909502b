package carsight.streamer.sdp;

import java.util.List;

/**
 * What an offer and our answer agreed on, for the media path.
 *
 * @param payloadType         RTP payload type for our H.264
 * @param profileLevelId      the profile-level-id we answered
 * @param playoutDelayId      extension id, or 0 when not negotiated (same for the other two)
 * @param remoteFingerprint   the viewer's DTLS certificate fingerprint, {@code sha-256 AB:…}
 * @param remoteCandidates    candidates that came inside the offer (WHEP style)
 */
public record Negotiated(String mid, int payloadType, String profileLevelId, boolean nack, boolean pli, boolean fir,
                         int playoutDelayId, int absSendTimeId, int absCaptureTimeId, String remoteUfrag,
                         String remotePassword, String remoteFingerprint, List<String> remoteCandidates) {

    public Negotiated {
        remoteCandidates = List.copyOf(remoteCandidates);
    }

    /**
     * Whether {@code next} keeps this session's media and DTLS as they are and changes only ICE — an ICE restart
     * (RFC 8839 §4.4.1.1.1: new ufrag and password, same fingerprint).
     */
    public boolean isIceRestartOf(Negotiated next) {
        return !next.remoteUfrag.equals(remoteUfrag) && next.mid.equals(mid) && next.payloadType == payloadType
                && next.profileLevelId.equals(profileLevelId) && next.playoutDelayId == playoutDelayId
                && next.absSendTimeId == absSendTimeId && next.absCaptureTimeId == absCaptureTimeId
                && next.remoteFingerprint.equalsIgnoreCase(remoteFingerprint);
    }
}
