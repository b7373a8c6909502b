package carsight.protocol.relay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One session with a Janus server's JSON API (the car publishing to a relay, a viewer watching through it): its
 * requests and how their replies read, over a {@link Transport} the caller brings (HTTP POST to the API's base and
 * its session paths, long-poll GET for events). Janus's own errors and a plugin's refusals surface as a
 * {@link JanusException} with Janus's code and reason. Not thread-safe except {@link #poll}, which may run beside one
 * other caller.
 */
public final class JanusSession {

    /** Janus's "no such session": the server forgot us (it restarted, or the session timed out). */
    public static final int NO_SUCH_SESSION = 458;
    /** The streaming plugin's "no such mountpoint". */
    public static final int NO_SUCH_MOUNTPOINT = 455;
    /** The streaming plugin's "cannot create" (an id in use among others). */
    public static final int CANNOT_CREATE = 456;

    /** How requests reach Janus: paths are relative to the API's base ({@code ""}, {@code "/123"}, {@code "/123/456"}). */
    public interface Transport {
        String post(String path, String json) throws IOException;

        /** A long poll: may take up to Janus's 30 s before it answers. */
        String get(String path) throws IOException;
    }

    /** A refusal from Janus or one of its plugins. */
    public static final class JanusException extends IOException {
        private final int code;

        public JanusException(int code, String reason) {
            super(reason + " (Janus error " + code + ")");
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Transport transport;
    private final String apiSecret;
    private final long id;

    private JanusSession(Transport transport, String apiSecret, long id) {
        this.transport = transport;
        this.apiSecret = apiSecret;
        this.id = id;
    }

    /**
     * Opens a session.
     *
     * @param apiSecret Janus's {@code api_secret} when the server has one, else null
     */
    public static JanusSession create(Transport transport, String apiSecret) throws IOException {
        JsonNode reply = call(transport, "", envelope("create", apiSecret));
        return new JanusSession(transport, apiSecret, reply.path("data").path("id").asLong());
    }

    public long id() {
        return id;
    }

    /** Attaches a plugin (e.g. {@code janus.plugin.streaming}); returns the handle's id. */
    public long attach(String plugin) throws IOException {
        ObjectNode request = envelope("attach", apiSecret);
        request.put("plugin", plugin);
        return call(transport, "/" + id, request).path("data").path("id").asLong();
    }

    /**
     * A plugin request answered at once (the streaming plugin's create, destroy, info, list): returns the plugin's
     * data, or throws when the plugin refused it.
     */
    public JsonNode request(long handle, ObjectNode body) throws IOException {
        ObjectNode request = envelope("message", apiSecret);
        request.set("body", body);
        JsonNode reply = call(transport, "/" + id + "/" + handle, request);
        return pluginData(reply);
    }

    /**
     * A plugin request answered later, as an event (watch, start): sends it, with a session description when
     * {@code jsepType} is not null; the answer comes through {@link #poll}.
     */
    public void send(long handle, ObjectNode body, String jsepType, String sdp) throws IOException {
        ObjectNode request = envelope("message", apiSecret);
        request.set("body", body);
        if (jsepType != null) {
            ObjectNode jsep = request.putObject("jsep");
            jsep.put("type", jsepType);
            jsep.put("sdp", sdp);
        }
        call(transport, "/" + id + "/" + handle, request);
    }

    /**
     * Waits (Janus holds the request up to 30 s) for the session's events; an empty list when only a keepalive came.
     * This also keeps the session alive.
     */
    public List<JsonNode> poll() throws IOException {
        String path = "/" + id + "?maxev=10&rid=" + System.nanoTime()
                + (apiSecret == null ? "" : "&apisecret=" + java.net.URLEncoder.encode(apiSecret,
                java.nio.charset.StandardCharsets.UTF_8));
        JsonNode reply = parse(transport.get(path));
        List<JsonNode> events = new ArrayList<>();
        for (JsonNode event : reply.isArray() ? reply : List.of(reply)) {
            String kind = event.path("janus").asText();
            if (kind.equals("error")) {
                throw error(event);
            }
            if (!kind.equals("keepalive")) {
                events.add(event);
            }
        }
        return events;
    }

    /** Ends the session and its handles (a mountpoint the car created stays until destroyed). */
    public void destroy() throws IOException {
        call(transport, "/" + id, envelope("destroy", apiSecret));
    }

    /** The plugin's data in a reply or event; throws when it carries the plugin's error. */
    public static JsonNode pluginData(JsonNode reply) throws JanusException {
        JsonNode data = reply.path("plugindata").path("data");
        if (data.has("error_code")) {
            throw new JanusException(data.path("error_code").asInt(), data.path("error").asText("refused"));
        }
        return data;
    }

    public static ObjectNode body(String request) {
        ObjectNode body = JSON.createObjectNode();
        body.put("request", request);
        return body;
    }

    private static ObjectNode envelope(String kind, String apiSecret) {
        ObjectNode request = JSON.createObjectNode();
        request.put("janus", kind);
        byte[] tx = new byte[9];
        RANDOM.nextBytes(tx);
        request.put("transaction", HexFormat.of().formatHex(tx));
        if (apiSecret != null) {
            request.put("apisecret", apiSecret);
        }
        return request;
    }

    private static JsonNode call(Transport transport, String path, ObjectNode request) throws IOException {
        JsonNode reply = parse(transport.post(path, request.toString()));
        String kind = reply.path("janus").asText();
        if (kind.equals("error")) {
            throw error(reply);
        }
        if (!kind.equals("success") && !kind.equals("ack")) {
            throw new IOException("Janus answered '" + kind + "' to " + request.path("janus").asText());
        }
        if (!reply.path("transaction").asText().equals(request.path("transaction").asText())) {
            throw new IOException("Janus answered another transaction");
        }
        return reply;
    }

    private static JanusException error(JsonNode reply) {
        return new JanusException(reply.path("error").path("code").asInt(), reply.path("error").path("reason").asText("error"));
    }

    private static JsonNode parse(String text) throws IOException {
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || !(node.isObject() || node.isArray())) {
                throw new IOException("Janus answered something that is not JSON: " + abbreviate(text));
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new IOException("Janus answered something that is not JSON: " + abbreviate(text));
        }
    }

    private static String abbreviate(String text) {
        String t = String.valueOf(text).strip();
        return t.length() > 120 ? t.substring(0, 120) + "…" : t;
    }
}
