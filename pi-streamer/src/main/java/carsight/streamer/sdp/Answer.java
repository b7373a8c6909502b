package carsight.streamer.sdp;

/** Our SDP answer and what it negotiated. */
public record Answer(String sdp, Negotiated negotiated, String note) {
}
