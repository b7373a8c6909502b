package carsight.receiver;

import dev.onvoid.webrtc.RTCStats;
import dev.onvoid.webrtc.RTCStatsReport;
import dev.onvoid.webrtc.RTCStatsType;

import java.util.Map;

/**
 * The video half of libwebrtc's statistics report: the {@code inbound-rtp} entry of kind video (W3C webrtc-stats
 * names) and the type of the local candidate on the path in use.
 *
 * @param attributes the inbound-rtp entry's values by their W3C names; empty before any video came
 * @param candidateType {@code host}, {@code srflx}, {@code prflx}, {@code relay}, or {@code none} before ICE succeeded
 */
public record InboundVideo(Map<String, Object> attributes, String candidateType) {

    public static InboundVideo of(RTCStatsReport report) {
        Map<String, RTCStats> all = report.getStats();
        Map<String, Object> inbound = Map.of();
        String candidateType = "none";
        for (RTCStats s : all.values()) {
            Map<String, Object> a = s.getAttributes();
            if (s.getType() == RTCStatsType.INBOUND_RTP && "video".equals(a.get("kind"))) {
                inbound = a;
            }
            if (s.getType() == RTCStatsType.CANDIDATE_PAIR && Boolean.TRUE.equals(a.get("nominated"))
                    && "succeeded".equals(String.valueOf(a.get("state")))) {
                RTCStats local = all.get(String.valueOf(a.get("localCandidateId")));
                if (local != null) {
                    candidateType = String.valueOf(local.getAttributes().get("candidateType"));
                }
            }
        }
        return new InboundVideo(inbound, candidateType);
    }

    /** A counter, 0 when absent. */
    public long count(String name) {
        return attributes.get(name) instanceof Number n ? n.longValue() : 0;
    }

    /** A measured value (seconds, frames per second), 0 when absent. */
    public double value(String name) {
        return attributes.get(name) instanceof Number n ? n.doubleValue() : 0;
    }
}
