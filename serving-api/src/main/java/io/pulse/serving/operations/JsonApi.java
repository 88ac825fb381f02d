package io.pulse.serving.operations;

import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** GETs JSON from an HTTP API (Flink's REST API, RabbitMQ's management API), with a timeout. */
final class JsonApi {

    private final HttpClient http;
    private final ObjectMapper json;
    private final String base;
    private final String authorization;
    private final Duration timeout;

    JsonApi(HttpClient http, ObjectMapper json, String base, String user, String password, Duration timeout) {
        this.http = http;
        this.json = json;
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.authorization = user == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.timeout = timeout;
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + response.statusCode());
        }
        return json.readValue(response.body(), JsonNode.class);
    }

    static long longOf(JsonNode node, String field, long fallback) {
        JsonNode value = node.get(field);
        return value == null || !value.isNumber() ? fallback : value.getLongValue();
    }

    static double doubleOf(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isNumber() ? 0 : value.getDoubleValue();
    }

    static String textOf(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isString() ? "" : value.getStringValue();
    }
}
