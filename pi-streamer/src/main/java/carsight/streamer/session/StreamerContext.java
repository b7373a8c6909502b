package carsight.streamer.session;

import carsight.protocol.signal.SignalMessage;
import carsight.streamer.dtls.DtlsIdentity;
import carsight.streamer.http.AuthThrottle;
import carsight.streamer.ice.IceConfig;
import carsight.streamer.metrics.StreamerMetrics;

import java.util.function.Supplier;

/**
 * What every viewer session shares: the camera's fan-out, the DTLS identity, ICE settings, the RTP clock and the
 * metrics. One per streamer.
 *
 * @param stream        the current stream description; its RTP clock mapping is the one every session uses
 * @param refusedOffers offers refused per address: a client that keeps sending offers we cannot serve is turned
 *                      away for a while, as a wrong token is
 */
public record StreamerContext(FrameFanout fanout, KeyframeRequests keyframes, DtlsIdentity identity, IceConfig ice,
                             StreamerSettings settings, StreamerMetrics metrics, String cname,
                             Supplier<SignalMessage.StreamInfo> stream, AuthThrottle refusedOffers) {

    /** Refused offers an address may send within a minute before its offers are turned away unread. */
    public static final int MAX_REFUSED_OFFERS = 5;

    /** RTP timestamp (90 kHz) of a frame captured at {@code captureMicros}, shared by all viewers. */
    public long rtpTimestampOf(long captureMicros) {
        return stream.get().rtpTimestampAt(captureMicros);
    }

    /** The stream as it is now (size and profile come from the camera's latest SPS). */
    public SignalMessage.StreamInfo streamInfo() {
        return stream.get();
    }
}
