package carsight.streamer.http;

/** What the HTTP server serves; the streamer implements it. Calls come on server worker threads. */
public interface StreamerApi {

    String healthJson();

    String metricsText();

    /** The viewer page (HTML). */
    byte[] viewerPage();

    /** A WHEP offer (already authorized and size-checked). */
    WhepResult whepOffer(String sdp, String remoteAddress);

    /** Ends a WHEP session; false when there is none with that id. */
    boolean whepDelete(String id);

    /** A new authorized {@code /signal} connection; returns who handles its messages. */
    SignalPeer openSignal(SignalConnection connection, String remoteAddress);

    /** Result of a WHEP offer. */
    record WhepResult(int status, String body, String sessionId) {
        public static WhepResult created(String answer, String sessionId) {
            return new WhepResult(201, answer, sessionId);
        }

        public static WhepResult refused(int status, String reason) {
            return new WhepResult(status, reason, null);
        }
    }

    /** One side of a signaling connection, as the streamer sees it. */
    interface SignalPeer {
        void onText(String text);

        void onClose(String reason);
    }

    /** Sending on a signaling connection: never blocks the caller. */
    interface SignalConnection {
        /** Queues a message; returns false when the client is too slow and the message was dropped. */
        boolean send(String text);

        void close(int code, String reason);

        String remoteAddress();
    }
}
