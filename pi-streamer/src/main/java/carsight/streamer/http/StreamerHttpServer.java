package carsight.streamer.http;

import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.tyrus.core.TyrusSession;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The streamer's one port: {@code GET /} (viewer page), {@code GET /healthz}, {@code GET /metrics},
 * {@code POST /whep} and {@code DELETE /whep/<id>} (RFC 9725, with CORS for browsers), and the {@code /signal}
 * WebSocket. A bad token gets 401 and nothing else (1008 on the WebSocket).
 */
public final class StreamerHttpServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(StreamerHttpServer.class.getName());
    public static final int MAX_SIGNAL_MESSAGE = 64 * 1024;
    public static final int MAX_SDP_BYTES = 32 * 1024;
    /** Messages a slow signaling client may have in flight before further frame reports are dropped. */
    private static final int MAX_PENDING_SENDS = 64;
    /** Signaling sockets open at once (viewers, page reloads, the not yet authenticated); more are turned away. */
    public static final int MAX_SIGNAL_CONNECTIONS = 64;
    /** A socket must present its token within this time. */
    static final long UNAUTHENTICATED_IDLE_MILLIS = 10_000;
    /** An authenticated socket that says nothing for this long is closed (viewers ping twice a second). */
    static final long IDLE_MILLIS = 60_000;
    private static final String REFUSED_ORIGIN = "carsight.refusedOrigin";

    private final HttpServer server;
    private final NetworkListener listener;
    private final WebSocketMount webSockets;
    private final StreamerApi api;
    private final TokenCheck tokens;
    private final AuthThrottle throttle = new AuthThrottle();
    private final OriginPolicy origins;
    private final AtomicInteger signalConnections = new AtomicInteger();

    public StreamerHttpServer(String host, int port, StreamerApi api, TokenCheck tokens) {
        this(host, port, api, tokens, java.util.List.of(), null);
    }

    /**
     * @param allowedOrigins web origins besides the streamer's own page that may open {@code /signal}
     * @param tls            HTTPS and WSS on the port with this context, or null for plain HTTP and WS
     */
    public StreamerHttpServer(String host, int port, StreamerApi api, TokenCheck tokens, java.util.List<String> allowedOrigins,
                              javax.net.ssl.SSLContext tls) {
        this.api = api;
        this.tokens = tokens;
        this.origins = new OriginPolicy(allowedOrigins);
        this.server = new HttpServer();
        this.listener = new NetworkListener("carsight", host, port);
        if (tls != null) {
            listener.setSecure(true);
            listener.setSSLEngineConfig(new org.glassfish.grizzly.ssl.SSLEngineConfigurator(tls, false, false, false));
        }
        this.webSockets = new WebSocketMount(MAX_SIGNAL_MESSAGE, UNAUTHENTICATED_IDLE_MILLIS);
        webSockets.attach(listener);
        server.addListener(listener);
        server.getServerConfiguration().addHttpHandler(new Routes(), "/");
        server.getServerConfiguration().setName("carsight");
        server.getServerConfiguration().setHttpServerName("carsight");
        try {
            webSockets.deploy(ServerEndpointConfig.Builder.create(SignalEndpoint.class, "/signal")
                    .configurator(new ServerEndpointConfig.Configurator() {
                        @Override
                        @SuppressWarnings("unchecked")
                        public <T> T getEndpointInstance(Class<T> type) {
                            return (T) new SignalEndpoint();
                        }

                        @Override
                        public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
                            String origin = header(request, "Origin");
                            if (!origins.allows(origin, header(request, "Host"))) {
                                // the per-connection copy of the properties: onOpen closes this socket at once
                                sec.getUserProperties().put(REFUSED_ORIGIN, origin);
                            }
                        }
                    }).build());
        } catch (DeploymentException e) {
            throw new IllegalStateException("cannot deploy /signal: " + e.getMessage(), e);
        }
    }

    public void start() throws IOException {
        try {
            server.start();
        } catch (IOException e) {
            throw new IOException("cannot listen on " + listener.getHost() + ":" + listener.getPort() + ": "
                    + e.getMessage() + " — is another streamer running, or is the address not on this machine?", e);
        }
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return listener.getPort();
    }

    public String host() {
        return listener.getHost();
    }

    /** https/wss (true) or http/ws. */
    public boolean secure() {
        return listener.isSecure();
    }

    @Override
    public void close() {
        webSockets.stop();
        server.shutdownNow();
    }

    private final class Routes extends HttpHandler {
        @Override
        public void service(Request request, Response response) throws Exception {
            String path = request.getRequestURI();
            Method method = request.getMethod();
            response.setHeader("Cache-Control", "no-store");
            if (path.equals("/whep") || path.startsWith("/whep/")) {
                whep(request, response, path, method);
                return;
            }
            if (method != Method.GET && method != Method.HEAD) {
                response.setStatus(405);
                response.setHeader("Allow", "GET, HEAD");
                return;
            }
            switch (path) {
                case "/", "/index.html" -> send(response, 200, "text/html; charset=utf-8", api.viewerPage());
                case "/healthz" -> send(response, 200, "application/json", api.healthJson().getBytes(StandardCharsets.UTF_8));
                case "/metrics" -> send(response, 200, "text/plain; version=0.0.4; charset=utf-8",
                        api.metricsText().getBytes(StandardCharsets.UTF_8));
                default -> send(response, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
            }
        }

        private void whep(Request request, Response response, String path, Method method) throws IOException {
            response.setHeader("Access-Control-Allow-Origin", "*");
            response.setHeader("Access-Control-Allow-Methods", "POST, DELETE, OPTIONS, PATCH");
            response.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, If-Match");
            response.setHeader("Access-Control-Expose-Headers", "Location, ETag");
            if (method == Method.OPTIONS) {
                response.setStatus(204);
                return;
            }
            String remote = request.getRemoteAddr();
            long wait = throttle.blockedSeconds(remote);
            if (wait > 0) {
                response.setHeader("Retry-After", String.valueOf(wait));
                send(response, 429, "text/plain; charset=utf-8", ("too many wrong tokens from " + remote
                        + ": try again in " + wait + " s\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (!tokens.acceptsAuthorization(request.getHeader("Authorization"))) {
                failedAttempt("WHEP", remote);
                response.setStatus(401);
                response.setHeader("WWW-Authenticate", "Bearer");
                return;
            }
            if (path.equals("/whep") && method == Method.POST) {
                String type = request.getContentType();
                if (type == null || !type.toLowerCase().startsWith("application/sdp")) {
                    send(response, 415, "text/plain; charset=utf-8", "POST /whep takes Content-Type: application/sdp\n"
                            .getBytes(StandardCharsets.UTF_8));
                    return;
                }
                InputStream in = request.getInputStream();
                byte[] body = readLimited(in, MAX_SDP_BYTES);
                if (body == null) {
                    in.skip(1 << 20); // let the client finish sending so it can read the answer
                    response.setHeader("Connection", "close");
                    send(response, 413, "text/plain; charset=utf-8", ("SDP offer larger than " + MAX_SDP_BYTES + " bytes\n")
                            .getBytes(StandardCharsets.UTF_8));
                    return;
                }
                StreamerApi.WhepResult result = api.whepOffer(new String(body, StandardCharsets.UTF_8), request.getRemoteAddr());
                if (result.status() == 201) {
                    response.setHeader("Location", "/whep/" + result.sessionId());
                    send(response, 201, "application/sdp", result.body().getBytes(StandardCharsets.UTF_8));
                } else {
                    send(response, result.status(), "text/plain; charset=utf-8", (result.body() + "\n").getBytes(StandardCharsets.UTF_8));
                }
                return;
            }
            if (path.startsWith("/whep/") && method == Method.DELETE) {
                boolean found = api.whepDelete(path.substring("/whep/".length()));
                response.setStatus(found ? 200 : 404);
                return;
            }
            if (path.startsWith("/whep/") && method == Method.PATCH) {
                send(response, 405, "text/plain; charset=utf-8",
                        "trickle ICE over PATCH is not supported: put all candidates in the offer\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            response.setStatus(405);
            response.setHeader("Allow", path.equals("/whep") ? "POST, OPTIONS" : "DELETE, OPTIONS");
        }

        private void send(Response response, int status, String type, byte[] body) throws IOException {
            response.setStatus(status);
            response.setContentType(type);
            response.setContentLength(body.length);
            try (OutputStream out = response.getOutputStream()) {
                out.write(body);
            }
        }
    }

    private void failedAttempt(String where, String remote) {
        if (throttle.failure(remote)) {
            LOG.log(System.Logger.Level.WARNING, "{0}: {1} wrong tokens from {2} within {3} s: refusing it for a while",
                    where, AuthThrottle.MAX_FAILURES, remote, AuthThrottle.WINDOW_NANOS / 1_000_000_000L);
        } else {
            LOG.log(System.Logger.Level.INFO, "{0}: refused {1}: bad or missing token", where, remote);
        }
    }

    /** Reads at most {@code limit} bytes; null when there was more. */
    static byte[] readLimited(InputStream in, int limit) throws IOException {
        byte[] data = in.readNBytes(limit + 1);
        return data.length > limit ? null : data;
    }

    /** The {@code /signal} endpoint: authenticates, then hands text to a {@link StreamerApi.SignalPeer}. */
    public final class SignalEndpoint extends Endpoint {

        private volatile StreamerApi.SignalPeer peer;
        private volatile boolean authorized;
        private volatile boolean counted;

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            session.setMaxTextMessageBufferSize(MAX_SIGNAL_MESSAGE);
            String remote = session instanceof TyrusSession t ? t.getRemoteAddr() : "unknown";
            counted = true;
            if (signalConnections.incrementAndGet() > MAX_SIGNAL_CONNECTIONS) {
                LOG.log(System.Logger.Level.WARNING, "signal: turned {0} away: {1} signaling connections already open",
                        remote, MAX_SIGNAL_CONNECTIONS);
                close(session, CloseReason.CloseCodes.TRY_AGAIN_LATER, "too many connections, try again later");
                return;
            }
            Object refusedOrigin = config.getUserProperties().get(REFUSED_ORIGIN);
            if (refusedOrigin != null) {
                LOG.log(System.Logger.Level.WARNING, "signal: refused a page from origin {0} (not this streamer''s "
                        + "page; --allow-origin {0} would allow it)", refusedOrigin);
                close(session, CloseReason.CloseCodes.VIOLATED_POLICY, "origin not allowed");
                return;
            }
            long wait = throttle.blockedSeconds(remote);
            if (wait > 0) {
                close(session, CloseReason.CloseCodes.VIOLATED_POLICY, "too many wrong tokens: try again in " + wait + " s");
                return;
            }
            Connection connection = new Connection(session, remote);
            String queryToken = queryParameter(session.getQueryString(), "token");
            if (queryToken != null) {
                if (!tokens.accepts(queryToken)) {
                    refuse(session, remote);
                    return;
                }
                authorized = true;
            } else if (!tokens.enabled()) {
                authorized = true;
            }
            session.setMaxIdleTimeout(authorized ? IDLE_MILLIS : UNAUTHENTICATED_IDLE_MILLIS);
            session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> {
                if (!authorized) {
                    String token = firstMessageToken(text);
                    if (token == null || !tokens.accepts(token)) {
                        refuse(session, remote);
                        return;
                    }
                    authorized = true;
                    session.setMaxIdleTimeout(IDLE_MILLIS);
                    peer = api.openSignal(connection, remote);
                }
                StreamerApi.SignalPeer p = peer;
                if (p != null) {
                    p.onText(text);
                }
            });
            if (authorized) {
                peer = api.openSignal(connection, remote);
            }
        }

        private void refuse(Session session, String remote) {
            failedAttempt("signal", remote);
            close(session, CloseReason.CloseCodes.VIOLATED_POLICY, "unauthorized");
        }

        private void close(Session session, CloseReason.CloseCode code, String reason) {
            try {
                session.close(new CloseReason(code, reason));
            } catch (IOException | IllegalStateException e) {
                // already gone (Tyrus throws IllegalStateException for a closed connection)
            }
        }

        @Override
        public void onClose(Session session, CloseReason reason) {
            if (counted) {
                counted = false;
                signalConnections.decrementAndGet();
            }
            StreamerApi.SignalPeer p = peer;
            if (p != null) {
                p.onClose(reason.getReasonPhrase() == null || reason.getReasonPhrase().isEmpty()
                        ? "socket closed (" + reason.getCloseCode().getCode() + ")" : reason.getReasonPhrase());
            }
        }

        @Override
        public void onError(Session session, Throwable error) {
            LOG.log(System.Logger.Level.DEBUG, "signal: {0}", error.toString());
        }
    }

    private static String header(HandshakeRequest request, String name) {
        for (var e : request.getHeaders().entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }

    /** The token in a first message {@code {"type":"hello","token":"…"}}, or null. */
    static String firstMessageToken(String text) {
        if (text == null || text.length() > 4096) {
            return null;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
            if (node != null && node.path("type").asText("").equals("hello") && node.path("token").isTextual()) {
                return node.path("token").asText();
            }
        } catch (IOException e) {
            // not JSON: no token
        }
        return null;
    }

    static String queryParameter(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                String raw = eq < 0 ? "" : pair.substring(eq + 1);
                try {
                    return URLDecoder.decode(raw, StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return raw; // a broken %-escape: as sent, so it fails the token check like any wrong token
                }
            }
        }
        return null;
    }

    private static final class Connection implements StreamerApi.SignalConnection {
        private final Session session;
        private final String remote;
        private final AtomicInteger pending = new AtomicInteger();

        Connection(Session session, String remote) {
            this.session = session;
            this.remote = remote;
        }

        @Override
        public boolean send(String text) {
            if (!session.isOpen()) {
                return false;
            }
            if (pending.incrementAndGet() > MAX_PENDING_SENDS) {
                pending.decrementAndGet();
                return false;
            }
            try {
                session.getAsyncRemote().sendText(text, result -> pending.decrementAndGet());
                return true;
            } catch (RuntimeException e) {
                pending.decrementAndGet();
                return false;
            }
        }

        @Override
        public void close(int code, String reason) {
            try {
                session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
            } catch (IOException | IllegalStateException e) {
                // already gone (Tyrus throws IllegalStateException for a closed connection)
            }
        }

        @Override
        public String remoteAddress() {
            return remote;
        }
    }
}
