package io.pulse.serving.apikeys;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.testing.TestServices;
import io.pulse.serving.testing.RollupRows;
import io.pulse.serving.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * API keys end to end: created by tenant admins and shown once, kept only as a hash, scoped to their
 * tenant and permissions, used through {@code X-API-Key}, last use noted, dead once revoked.
 */
class ApiKeysIT {

    private static final Argument<Map<String, Object>> JSON = Argument.mapOf(String.class, Object.class);
    private static final TestServices.Postgres POSTGRES = TestServices.postgres();
    private static final String RANGE = "from=" + Instant.now().minusSeconds(3600) + "&to=" + Instant.now()
            + "&step=1m&aggregate=count";
    private static TestServer server;
    private static String acmeAdmin;
    private static String globexAdmin;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("pulse_apikeys", Map.of());
        acmeAdmin = server.token("alice", "acme", "admin");
        globexAdmin = server.token("bob", "globex", "admin");
        RollupRows rows = new RollupRows(server.url(), POSTGRES.user(), POSTGRES.password());
        Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES).minusSeconds(600);
        rows.write(Granularity.ONE_MINUTE, "acme", "latency", Map.of(), minute, new double[] {1, 2}, 1);
        rows.write(Granularity.ONE_MINUTE, "globex", "latency", Map.of(), minute, new double[] {7, 8, 9}, 1);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<Map<String, Object>> call(MutableHttpRequest<?> request) {
        try {
            return server.http().toBlocking().exchange(request, JSON);
        } catch (HttpClientResponseException e) {
            return HttpResponse.status(e.getStatus()).body(e.getResponse().getBody(JSON).orElse(Map.of()));
        }
    }

    private static HttpResponse<Map<String, Object>> create(String token, String name, List<String> permissions) {
        return call(HttpRequest.POST("/v2/api-keys", Map.of("name", name, "permissions", permissions))
                .bearerAuth(token));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> listed(String token, Object id) {
        List<Map<String, Object>> items = (List<Map<String, Object>>) call(HttpRequest.GET("/v2/api-keys")
                .bearerAuth(token)).body().get("items");
        return items.stream().filter(item -> item.get("id").equals(id)).findFirst().orElse(null);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> apiKey(HttpResponse<Map<String, Object>> created) {
        return (Map<String, Object>) created.body().get("apiKey");
    }

    private static int seriesCount(String key) {
        HttpResponse<Map<String, Object>> answer = call(HttpRequest.GET("/v1/metrics/latency/series?" + RANGE)
                .header(ApiKeyAuthenticationFetcher.HEADER, key));
        if (answer.getStatus().getCode() != 200) {
            return -answer.getStatus().getCode();
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> series = (List<Map<String, Object>>) answer.body().get("series");
        return series.stream().mapToInt(s -> ((Number) s.get("events")).intValue()).sum();
    }

    @Test
    void aKeyIsShownOnceStoredHashedAndReadsOnlyItsTenant() throws Exception {
        HttpResponse<Map<String, Object>> created = create(acmeAdmin, "grafana", List.of("metrics:read"));
        assertThat(created.getStatus().getCode()).isEqualTo(201);
        String key = (String) created.body().get("key");
        assertThat(key).startsWith("pulse_").hasSizeGreaterThan(40);
        assertThat(apiKey(created)).containsEntry("permissions", List.of("metrics:read"))
                .containsEntry("createdBy", "alice").containsEntry("prefix", key.substring(0, 12));

        try (Connection c = DriverManager.getConnection(server.url(), POSTGRES.user(), POSTGRES.password());
             PreparedStatement s = c.prepareStatement("SELECT tenant, secret_hash = sha256(convert_to(?, 'UTF8')),"
                     + " row_to_json(api_key)::text LIKE '%' || ? || '%' FROM api_key WHERE id = ?::uuid")) {
            s.setString(1, key);
            s.setString(2, key.substring(12));
            s.setString(3, (String) apiKey(created).get("id"));
            try (ResultSet r = s.executeQuery()) {
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1)).isEqualTo("acme");
                assertThat(r.getBoolean(2)).as("the SHA-256 of the key is stored").isTrue();
                assertThat(r.getBoolean(3)).as("the key itself is stored nowhere").isFalse();
            }
        }
        Map<String, Object> listed = listed(acmeAdmin, apiKey(created).get("id"));
        assertThat(listed).doesNotContainKey("key").containsEntry("lastUsedAt", null);

        assertThat(seriesCount(key)).isEqualTo(2); // acme's two events, none of globex's three
        assertThat(listed(acmeAdmin, apiKey(created).get("id")).get("lastUsedAt")).isNotNull();
        assertThat(listed(globexAdmin, apiKey(created).get("id"))).as("another tenant's admin").isNull();
    }

    @Test
    void aKeyCanDoOnlyWhatItsPermissionsSay() {
        String ingestOnly = (String) create(acmeAdmin, "collector", List.of("events:write")).body().get("key");
        assertThat(seriesCount(ingestOnly)).isEqualTo(-403);
        assertThat(call(HttpRequest.GET("/v2/api-keys").header(ApiKeyAuthenticationFetcher.HEADER, ingestOnly))
                .getStatus().getCode()).isEqualTo(403);
        assertThat(seriesCount("pulse_not-a-key-anyone-was-given")).isEqualTo(-401);
    }

    @Test
    void onlyTenantAdminsCreateKeysAndNeverWithMoreThanTheirOwnPermissions() {
        assertThat(create(server.token("vic", "acme", "viewer"), "k", List.of("metrics:read")).getStatus().getCode())
                .isEqualTo(403);
        HttpResponse<Map<String, Object>> escalation = create(acmeAdmin, "k", List.of("jobs:manage"));
        assertThat(escalation.getStatus().getCode()).isEqualTo(403);
        assertThat(escalation.body().toString()).contains("a key cannot have a permission its creator lacks");
        HttpResponse<Map<String, Object>> unknown = create(acmeAdmin, "k", List.of("root"));
        assertThat(unknown.getStatus().getCode()).isEqualTo(400);
        assertThat(unknown.body().toString()).contains("unknown permission").doesNotContain("root");
        HttpResponse<Map<String, Object>> markup = create(acmeAdmin, "<script>", List.of("metrics:read"));
        assertThat(markup.getStatus().getCode()).isEqualTo(400);
        assertThat(markup.body().toString()).contains("name").doesNotContain("<script>");
        assertThat(create(acmeAdmin, "k", List.of()).getStatus().getCode()).isEqualTo(400);
    }

    @Test
    void aRevokedKeyIsRefusedAndOnlyItsOwnTenantCanRevokeIt() {
        HttpResponse<Map<String, Object>> created = create(acmeAdmin, "old", List.of("metrics:read"));
        String key = (String) created.body().get("key");
        Object id = apiKey(created).get("id");
        assertThat(seriesCount(key)).isEqualTo(2);

        assertThat(call(HttpRequest.DELETE("/v2/api-keys/" + id).bearerAuth(globexAdmin)).getStatus().getCode())
                .isEqualTo(404);
        assertThat(seriesCount(key)).as("still live after another tenant's attempt").isEqualTo(2);

        assertThat(call(HttpRequest.DELETE("/v2/api-keys/" + id).bearerAuth(acmeAdmin)).getStatus().getCode())
                .isEqualTo(204);
        assertThat(seriesCount(key)).isEqualTo(-401);
        assertThat(listed(acmeAdmin, id).get("revokedAt")).isNotNull();
    }
}
