package io.pulse.devstack.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The serving API as a client sees it, over plain HTTP and WebSocket, with one caller's bearer token. */
public final class PulseApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public PulseApi(String baseUrl, String token) {
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
        this.token = token;
    }

    /**
     * An access token from the provider's token endpoint by client credentials ({@code <tenant>-<role>}
     * clients), on a connection closed at once: a kept-alive one would hold the provider's port after it stops.
     */
    public static String clientToken(String tokenEndpoint, String clientId) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(tokenEndpoint).toURL().openConnection();
        try {
            connection.setRequestMethod("POST");
            connection.setRequestProperty("Connection", "close");
            connection.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
            connection.setDoOutput(true);
            connection.getOutputStream().write(("grant_type=client_credentials&client_id=" + clientId
                    + "&client_secret=local").getBytes(StandardCharsets.UTF_8));
            try (InputStream answer = connection.getInputStream()) {
                return (String) parse(new String(answer.readAllBytes(), StandardCharsets.UTF_8)).get("access_token");
            }
        } finally {
            connection.disconnect();
        }
    }

    /** Posts a JSON body; returns the status and the answer's text. */
    public Answer post(String path, Object body) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve(path.substring(1)))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }

    public Map<String, Object> get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve(path.substring(1)))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return parse(response.body());
    }

    /** The points of the first series a series query answers; empty when it has none. */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> points(String path) throws IOException, InterruptedException {
        List<Map<String, Object>> series = (List<Map<String, Object>>) get(path).get("series");
        return series.isEmpty() ? List.of() : (List<Map<String, Object>>) series.get(0).get("points");
    }

    /** Opens {@code /v1/stream}; its text frames other than heartbeats arrive in {@link Stream#next}. */
    public Stream stream() throws Exception {
        BlockingQueue<Map<String, Object>> frames = new LinkedBlockingQueue<>();
        WebSocket socket = http.newWebSocketBuilder().header("Authorization", "Bearer " + token)
                .buildAsync(URI.create(base.toString().replaceFirst("^http", "ws") + "v1/stream"), new Collector(frames))
                .get(10, TimeUnit.SECONDS);
        return new Stream(socket, frames);
    }

    public record Answer(int status, String body) { }

    /** One live stream. */
    public record Stream(WebSocket socket, BlockingQueue<Map<String, Object>> frames) implements AutoCloseable {

        public void send(Map<String, Object> message) throws IOException {
            socket.sendText(JSON.writeValueAsString(message), true).join();
        }

        public Map<String, Object> next(Duration timeout) throws InterruptedException {
            return frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            socket.abort();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String json) {
        try {
            return JSON.readValue(json, Map.class);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + json, e);
        }
    }

    /** Collects the stream's text frames as JSON objects, skipping heartbeats. */
    private record Collector(BlockingQueue<Map<String, Object>> frames) implements WebSocket.Listener {
        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            Map<String, Object> frame = parse(data.toString());
            if (!"heartbeat".equals(frame.get("type"))) {
                frames.add(frame);
            }
            socket.request(1);
            return null;
        }
    }
}
