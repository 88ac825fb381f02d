package io.pulse.serving.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.pulse.serving.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every response carries the security headers, errors and static files included; CORS stays closed. */
class SecurityHeadersIT {

    private static TestServer server;
    private static HttpClient http;
    private static String token;

    @BeforeAll
    static void start() {
        server = TestServer.start("pulse_headers", Map.of());
        http = server.http();
        token = server.token("alice", "acme", "admin");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<?> exchange(HttpRequest<?> request) {
        try {
            return http.toBlocking().exchange(request, String.class);
        } catch (HttpClientResponseException e) {
            return e.getResponse();
        }
    }

    @Test
    void everyKindOfResponseCarriesTheHeaders() {
        List<HttpResponse<?>> responses = List.of(
                exchange(HttpRequest.GET("/openapi/pulse-v2.yml")),
                exchange(HttpRequest.GET("/v2/dashboards").bearerAuth(token)),
                exchange(HttpRequest.GET("/v2/metrics/orders/series?from=yesterday").bearerAuth(token)),
                exchange(HttpRequest.GET("/v2/dashboards")));
        assertThat(responses).extracting(r -> r.code()).containsExactly(200, 200, 400, 401);
        assertThat(responses).allSatisfy(response -> {
            assertThat(response.header("Content-Security-Policy")).isEqualTo(SecurityHeaders.STRICT_POLICY)
                    .contains("frame-ancestors 'none'").doesNotContain("unsafe-inline");
            assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(response.header("Referrer-Policy")).isEqualTo("no-referrer");
            assertThat(response.header("X-Frame-Options")).isEqualTo("DENY");
        });
    }

    @Test
    void crossOriginRequestsGetNoCorsGrant() {
        HttpResponse<?> preflight = exchange(HttpRequest.OPTIONS("/v2/dashboards")
                .header(HttpHeaders.ORIGIN, "https://evil.example")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST"));
        assertThat(preflight.header(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN)).isNull();
        HttpResponse<?> simple = exchange(HttpRequest.GET("/v2/dashboards").bearerAuth(token)
                .header(HttpHeaders.ORIGIN, "https://evil.example"));
        assertThat(simple.header(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN)).isNull();
    }
}
