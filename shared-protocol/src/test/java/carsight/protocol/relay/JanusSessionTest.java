package carsight.protocol.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The requests a session writes and how it reads Janus's replies, against replies as Janus 1.1 words them. */
class JanusSessionTest {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Answers each POST with a reply made from the request (so it can echo the transaction), GETs from a list. */
    static final class Replies implements JanusSession.Transport {
        final Deque<Function<JsonNode, String>> posts = new ArrayDeque<>();
        final Deque<String> gets = new ArrayDeque<>();
        final List<String> paths = new ArrayList<>();
        final List<JsonNode> requests = new ArrayList<>();

        @Override
        public String post(String path, String json) throws IOException {
            paths.add("POST " + path);
            JsonNode request = JSON.readTree(json);
            requests.add(request);
            return posts.removeFirst().apply(request);
        }

        @Override
        public String get(String path) {
            paths.add("GET " + path.replaceAll("rid=[0-9]+", "rid=*"));
            return gets.removeFirst();
        }
    }

    static Function<JsonNode, String> success(String rest) {
        return r -> "{\"janus\":\"success\",\"transaction\":\"" + r.path("transaction").asText() + "\"" + rest + "}";
    }

    @Test
    void createsAttachesAndReadsThePluginsAnswer() throws Exception {
        Replies janus = new Replies();
        janus.posts.add(success(",\"data\":{\"id\":1111}"));
        janus.posts.add(success(",\"session_id\":1111,\"data\":{\"id\":2222}"));
        janus.posts.add(success(",\"sender\":2222,\"plugindata\":{\"plugin\":\"janus.plugin.streaming\","
                + "\"data\":{\"streaming\":\"created\",\"stream\":{\"id\":7,\"ports\":[{\"mid\":\"v\",\"port\":20000}]}}}"));
        JanusSession session = JanusSession.create(janus, null);
        long handle = session.attach("janus.plugin.streaming");
        JsonNode created = session.request(handle, JanusSession.body("create"));

        assertThat(session.id()).isEqualTo(1111);
        assertThat(handle).isEqualTo(2222);
        assertThat(created.path("stream").path("ports").get(0).path("port").asInt()).isEqualTo(20000);
        assertThat(janus.paths).containsExactly("POST ", "POST /1111", "POST /1111/2222");
        assertThat(janus.requests.get(1).path("plugin").asText()).isEqualTo("janus.plugin.streaming");
        assertThat(janus.requests.get(2).path("janus").asText()).isEqualTo("message");
        assertThat(janus.requests.get(2).path("body").path("request").asText()).isEqualTo("create");
        assertThat(janus.requests).allSatisfy(r -> assertThat(r.path("transaction").asText()).hasSize(18));
        assertThat(janus.requests.stream().map(r -> r.path("transaction").asText()).distinct()).hasSize(3);
    }

    @Test
    void janusErrorsAndPluginRefusalsCarryTheirCodes() throws Exception {
        Replies janus = new Replies();
        janus.posts.add(success(",\"data\":{\"id\":1}"));
        janus.posts.add(r -> "{\"janus\":\"error\",\"transaction\":\"" + r.path("transaction").asText()
                + "\",\"error\":{\"code\":458,\"reason\":\"No such session 1\"}}");
        janus.posts.add(success(",\"plugindata\":{\"data\":{\"streaming\":\"event\",\"error_code\":455,"
                + "\"error\":\"No such mountpoint/stream 7\"}}"));
        JanusSession session = JanusSession.create(janus, "s3cret");

        assertThatThrownBy(() -> session.attach("janus.plugin.streaming"))
                .isInstanceOfSatisfying(JanusSession.JanusException.class, e -> assertThat(e.code()).isEqualTo(458))
                .hasMessageContaining("No such session");
        assertThatThrownBy(() -> session.request(5, JanusSession.body("info")))
                .isInstanceOfSatisfying(JanusSession.JanusException.class, e -> assertThat(e.code()).isEqualTo(455));
        assertThat(janus.requests).allSatisfy(r -> assertThat(r.path("apisecret").asText()).isEqualTo("s3cret"));
    }

    @Test
    void aReplyToAnotherTransactionOrNotJsonIsRefused() {
        Replies janus = new Replies();
        janus.posts.add(r -> "{\"janus\":\"success\",\"transaction\":\"someone-else\",\"data\":{\"id\":1}}");
        janus.posts.add(r -> "<html>502 Bad Gateway</html>");
        assertThatThrownBy(() -> JanusSession.create(janus, null)).hasMessageContaining("another transaction");
        assertThatThrownBy(() -> JanusSession.create(janus, null)).hasMessageContaining("not JSON: <html>502");
    }

    @Test
    void aPollGivesEventsButNotKeepalivesAndFailsWhenTheSessionIsGone() throws Exception {
        Replies janus = new Replies();
        janus.posts.add(success(",\"data\":{\"id\":9}"));
        janus.gets.add("{\"janus\":\"keepalive\"}");
        janus.gets.add("[{\"janus\":\"event\",\"plugindata\":{\"data\":{\"streaming\":\"event\"}},\"jsep\":{\"type\":"
                + "\"offer\",\"sdp\":\"v=0\"}},{\"janus\":\"webrtcup\"}]");
        janus.gets.add("{\"janus\":\"error\",\"error\":{\"code\":458,\"reason\":\"No such session 9\"}}");
        JanusSession session = JanusSession.create(janus, null);

        assertThat(session.poll()).isEmpty();
        List<JsonNode> events = session.poll();
        assertThat(events).extracting(e -> e.path("janus").asText()).containsExactly("event", "webrtcup");
        assertThat(events.get(0).path("jsep").path("type").asText()).isEqualTo("offer");
        assertThatThrownBy(session::poll).isInstanceOfSatisfying(JanusSession.JanusException.class,
                e -> assertThat(e.code()).isEqualTo(JanusSession.NO_SUCH_SESSION));
        assertThat(janus.paths.get(1)).isEqualTo("GET /9?maxev=10&rid=*");
    }
}
