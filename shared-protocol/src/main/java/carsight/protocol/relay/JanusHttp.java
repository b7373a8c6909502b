package carsight.protocol.relay;


import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Janus's plain HTTP API as a {@link JanusSession.Transport}: POST for requests, GET for the long poll (Janus answers
 * within 30 s). Connections time out after 5 s, requests after 10 s, a poll after 40 s, so a path that went silent
 * (the car's address changed, the relay is gone) is noticed instead of waited on.
 */
public final class JanusHttp implements JanusSession.Transport {

    private final URI base;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();

    public JanusHttp(URI base) {
        this.base = base;
    }

    @Override
    public String post(String path, String json) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build());
    }

    @Override
    public String get(String path) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(40)).GET().build();
        try {
            return send(request);
        } catch (NotFound e) { // Janus's answer to a long poll on a session it does not know: an empty 404
            throw new JanusSession.JanusException(JanusSession.NO_SUCH_SESSION, "No such session (404 to the long poll)");
        }
    }

    private static final class NotFound extends IOException {
        NotFound(String message) {
            super(message);
        }
    }

    private String send(HttpRequest request) throws IOException {
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (java.net.http.HttpTimeoutException e) {
            throw new IOException("Janus's API at " + base + " did not answer in time", e);
        } catch (IOException e) { // refused, reset, unreachable: often without a message of their own
            throw new IOException("cannot reach Janus's API at " + base + " (" + (e.getMessage() == null
                    ? e.getClass().getSimpleName() : e.getMessage()) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        if (response.statusCode() != 200 && !response.body().contains("\"janus\"")) {
            String message = "Janus's API at " + base + " answered HTTP " + response.statusCode();
            throw response.statusCode() == 404 ? new NotFound(message) : new IOException(message);
        }
        // Janus words its errors in JSON, some with an HTTP error status (404 for a session it does not know)
        return response.body();
    }
}
