package io.pulse.serving.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.http.uri.UriBuilder;
import io.pulse.serving.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Script payloads stored in dashboard names and widget titles come back only as JSON string data (never
 * as HTML, never sniffable); payloads in parameters are never reflected in error answers.
 */
class XssIT {

    private static final String SCRIPT = "<script>alert(document.cookie)</script>";
    private static final String IMAGE = "\"><img src=x onerror=alert(1)>";

    private static TestServer server;
    private static HttpClient http;
    private static String token;

    @BeforeAll
    static void start() {
        server = TestServer.start("pulse_xss", Map.of());
        http = server.http();
        token = server.token("alice", "acme", "admin");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** What a browser would go by: the answer's type, its no-sniff and script policy headers, its body. */
    private record Answer(String contentType, String noSniff, String policy, String body) {
        static Answer of(HttpResponse<?> response, String body) {
            return new Answer(response.getContentType().map(MediaType::toString).orElse(""),
                    response.header("X-Content-Type-Options"), response.header("Content-Security-Policy"),
                    body == null ? "" : body);
        }
    }

    private static Answer exchange(MutableHttpRequest<?> request) {
        try {
            HttpResponse<String> response = http.toBlocking().exchange(request.bearerAuth(token), String.class);
            return Answer.of(response, response.body());
        } catch (HttpClientResponseException e) {
            return Answer.of(e.getResponse(), e.getResponse().getBody(String.class).orElse(""));
        }
    }

    @Test
    void storedPayloadsComeBackAsJsonDataOnly() {
        Map<String, Object> created = http.toBlocking().retrieve(HttpRequest.POST("/v2/dashboards", Map.of(
                "name", SCRIPT, "defaultRange", "PT1H", "refreshSeconds", 10,
                "widgets", List.of(Map.of("type", "line", "title", IMAGE, "query", Map.of("metric", SCRIPT),
                        "x", 0, "y", 0, "w", 6, "h", 4)))).bearerAuth(token), Argument.mapOf(String.class, Object.class));
        Answer read = exchange(HttpRequest.GET("/v2/dashboards/" + created.get("id")));
        assertThat(read.contentType()).startsWith(MediaType.APPLICATION_JSON);
        assertThat(read.noSniff()).isEqualTo("nosniff");
        assertThat(read.policy()).contains("script-src 'self'");
        // the payloads are string data inside JSON: exactly as stored, never markup of the answer
        Map<String, Object> body = http.toBlocking().retrieve(HttpRequest.GET("/v2/dashboards/" + created.get("id"))
                .bearerAuth(token), Argument.mapOf(String.class, Object.class));
        assertThat(body).containsEntry("name", SCRIPT);
        assertThat(body.get("widgets").toString()).contains("title=" + IMAGE);
    }

    @Test
    void payloadsInParametersAreNotReflectedInErrors() {
        for (String payload : List.of(SCRIPT, IMAGE)) {
            for (MutableHttpRequest<?> request : List.<MutableHttpRequest<?>>of(
                    HttpRequest.GET(UriBuilder.of("/v2/metrics/{m}/series").expand(Map.of("m", payload))
                            + "?from=2026-11-25T00:00:00Z"),
                    HttpRequest.GET(UriBuilder.of("/v1/metrics/latency/series").queryParam("from", payload).build()
                            .toString()),
                    HttpRequest.GET(UriBuilder.of("/v2/dashboards/{id}").expand(Map.of("id", payload)).toString()),
                    HttpRequest.POST("/graphql", Map.of("query", "{ series(metric: \"latency\", from: \""
                            + payload.replace("\"", "\\\"") + "\") { step } }")))) {
                Answer answer = exchange(request);
                assertThat(answer.body()).as(request.getPath()).doesNotContain("<script").doesNotContain("onerror=");
                assertThat(answer.contentType()).doesNotContain("html");
            }
        }
    }
}
