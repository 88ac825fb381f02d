package io.pulse.serving.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.pulse.contracts.testing.TestServices;
import io.pulse.serving.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rate limits kept in Redis and shared by two server instances: per caller and per client IP counted
 * separately, 429 with Retry-After past either, RateLimit-* headers on answers.
 */
class RateLimitIT {

    private static TestServer first;
    private static TestServer second;
    private static HttpClient firstClient;
    private static HttpClient secondClient;
    private static String alice;
    private static String bob;

    @BeforeAll
    static void start() {
        // both instances share the namespace, so the same Redis buckets
        Map<String, Object> properties = Map.of("pulse.redis.namespace", TestServices.uniqueName("rate-it"),
                "pulse.rate-limit.query-per-caller", 5, "pulse.rate-limit.query-per-ip", 8,
                "pulse.rate-limit.auth-per-ip", 3, "pulse.rate-limit.export-per-caller", 2,
                "pulse.rate-limit.failed-auth-per-ip", 3, "pulse.ingress.trusted-proxies", "127.0.0.1/32,::1/128");
        first = TestServer.start("pulse_rate_limits_a", properties);
        second = TestServer.start("pulse_rate_limits_b", properties);
        firstClient = first.http();
        secondClient = second.http();
        alice = first.token("alice", "acme", "viewer");
        bob = first.token("bob", "acme", "viewer");
    }

    @AfterAll
    static void stop() {
        first.close();
        second.close();
    }

    private static HttpResponse<?> get(HttpClient client, String token) {
        try {
            return client.toBlocking().exchange(HttpRequest.GET("/v2/dashboards").bearerAuth(token), String.class);
        } catch (HttpClientResponseException e) {
            return e.getResponse();
        }
    }

    @Test
    void limitsPerCallerAndPerAddressAreSharedByInstances() {
        List<String> remaining = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            HttpResponse<?> ok = get(i % 2 == 0 ? firstClient : secondClient, alice);
            assertThat(ok.code()).isEqualTo(200);
            assertThat(ok.header("RateLimit-Limit")).isIn("5", "8");
            remaining.add(ok.header("RateLimit-Remaining"));
        }
        assertThat(remaining).containsExactly("4", "3", "2", "1", "0");

        // alice's own bucket is empty, whichever instance she asks
        HttpResponse<?> refused = get(secondClient, alice);
        assertThat(refused.code()).isEqualTo(429);
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 60L);

        // bob has his own bucket, but the address's (8 a minute) runs out after his second request
        assertThat(get(firstClient, bob).code()).isEqualTo(200);
        assertThat(get(secondClient, bob).code()).isEqualTo(200);
        HttpResponse<?> byAddress = get(firstClient, bob);
        assertThat(byAddress.code()).isEqualTo(429);
        assertThat(byAddress.header("Retry-After")).isNotNull();
    }

    @Test
    void loginsAndExportsHaveTheirOwnLimits() throws Exception {
        java.net.http.HttpClient browser = java.net.http.HttpClient.newBuilder()
                .followRedirects(java.net.http.HttpClient.Redirect.NEVER).build();
        java.net.http.HttpRequest login = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(first.server().getURL() + "/oauth/login/pulse")).build();
        for (int i = 0; i < 3; i++) {
            assertThat(browser.send(login, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode())
                    .isEqualTo(302);
        }
        java.net.http.HttpResponse<Void> refused = browser.send(login, java.net.http.HttpResponse.BodyHandlers.discarding());
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();

        String carol = first.token("carol", "acme", "analyst");
        String csv = "/v2/metrics/latency/series?from=" + java.time.Instant.now().minusSeconds(600) + "&format=csv";
        for (int i = 0; i < 2; i++) {
            assertThat(firstClient.toBlocking().exchange(HttpRequest.GET(csv).bearerAuth(carol), String.class).code())
                    .isEqualTo(200);
        }
        // the third export is refused although the query limit (5 a minute) is far away: exports count apart
        HttpResponse<?> exports = exchange(HttpRequest.GET(csv).bearerAuth(carol));
        assertThat(exports.code()).isEqualTo(429);
        assertThat(exports.header("RateLimit-Limit")).isEqualTo("2");
    }

    @Test
    void requestsThatFailAuthenticationAreLimitedPerAddressBeforeAnyCredentialIsLookedUp() {
        String address = "198.51.100.7"; // this test's own client address, through the trusted proxy
        HttpRequest<?> noCredentials = HttpRequest.GET("/v2/metrics").header("X-Forwarded-For", address);
        HttpRequest<?> guessedKey = HttpRequest.GET("/v2/metrics").header("X-Forwarded-For", address)
                .header("X-API-Key", "pk_guess_0000000000000000000000000000");
        assertThat(exchange(noCredentials).code()).isEqualTo(401);
        assertThat(exchange(guessedKey).code()).isEqualTo(401);
        assertThat(exchange(noCredentials).code()).isEqualTo(401);

        HttpResponse<?> refused = exchange(guessedKey);
        assertThat(refused.code()).isEqualTo(429);
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 60L);
        assertThat(refused.getContentType()).hasValueSatisfying(type -> assertThat(type.toString())
                .isEqualTo("application/problem+json"));
        assertThat(refused.getBody(String.class)).hasValueSatisfying(body -> assertThat(body)
                .contains("\"status\":429").contains("failed authentication"));
        // refused before authentication: even a good token from that address waits
        assertThat(exchange(HttpRequest.GET("/v2/dashboards").bearerAuth(alice).header("X-Forwarded-For", address))
                .code()).isEqualTo(429);
        // other addresses are not affected
        assertThat(exchange(HttpRequest.GET("/v2/dashboards").bearerAuth(alice)
                .header("X-Forwarded-For", "198.51.100.8")).code()).isIn(200, 429);
    }

    @Test
    void aRefusalByTheRateLimitHasTheErrorBodyOfItsApiVersion() {
        String address = "198.51.100.9";
        String dave = first.token("dave", "acme", "viewer");
        HttpResponse<?> last = null;
        for (int i = 0; i < 6; i++) {
            last = exchange(HttpRequest.GET("/v1/dashboards").bearerAuth(dave).header("X-Forwarded-For", address));
        }
        assertThat(last.code()).isEqualTo(429);
        assertThat(last.getBody(String.class)).hasValueSatisfying(body -> assertThat(body)
                .startsWith("{\"error\":").contains("\"status\":429"));
    }

    private static HttpResponse<?> exchange(HttpRequest<?> request) {
        try {
            return firstClient.toBlocking().exchange(request, String.class);
        } catch (HttpClientResponseException e) {
            return e.getResponse();
        }
    }
}
