package io.pulse.serving.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.http.uri.UriBuilder;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.testing.TestServices;
import io.pulse.serving.apikeys.ApiKeyAuthenticationFetcher;
import io.pulse.serving.testing.RollupRows;
import io.pulse.serving.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SQL injection payloads in every parameter of the query, catalog, heatmap, dashboard and GraphQL
 * endpoints: no answer carries database error text, no answer leaks another tenant's rows, and no
 * table changes.
 */
class SqlInjectionIT {

    private static final List<String> PAYLOADS = List.of("' OR '1'='1", "x'; DROP TABLE rollup_1m; --",
            "1; DELETE FROM dashboard", "\" OR \"\"=\"", "region') OR ('a'='a", "' UNION SELECT * FROM rollup_1m --",
            "$1", "\\'; SELECT pg_sleep(5); --");
    /** What PostgreSQL and its driver put in their messages. */
    private static final List<String> DATABASE_WORDS = List.of("syntax error", "SQLException", "PSQLException",
            "postgres", "relation \"", "column \"", "ERROR:", "SQL state");

    private static final TestServices.Postgres POSTGRES = TestServices.postgres();
    private static TestServer server;
    private static HttpClient http;
    private static String url;
    private static String token;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("pulse_sqli", Map.of());
        http = server.http();
        url = server.url();
        token = server.token("alice", "acme", "admin");
        RollupRows rows = new RollupRows(url, POSTGRES.user(), POSTGRES.password());
        Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES).minusSeconds(600);
        rows.write(Granularity.ONE_MINUTE, "acme", "latency", Map.of("region", "eu"), minute, new double[] {1}, 1);
        rows.write(Granularity.ONE_MINUTE, "globex", "latency", Map.of("region", "eu"), minute, new double[] {7}, 1);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String tables() throws Exception {
        try (Connection c = DriverManager.getConnection(url, POSTGRES.user(), POSTGRES.password());
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT (SELECT count(*) FROM rollup_1m) || '/' || (SELECT count(*)"
                     + " FROM dashboard) || '/' || (SELECT count(*) FROM api_key) || '/' || (SELECT count(*)"
                     + " FROM information_schema.tables"
                     + " WHERE table_schema = 'public')")) {
            r.next();
            return r.getString(1);
        }
    }

    private static String answer(MutableHttpRequest<?> request) {
        try {
            return http.toBlocking().exchange(request.bearerAuth(token), String.class).body();
        } catch (HttpClientResponseException e) {
            return e.getStatus().getCode() + " " + e.getResponse().getBody(String.class).orElse("");
        }
    }

    private static List<MutableHttpRequest<?>> requests(String payload) {
        String from = Instant.now().minusSeconds(3600).toString();
        List<MutableHttpRequest<?>> requests = new ArrayList<>();
        String series = "/v2/metrics/{metric}/series";
        requests.add(HttpRequest.GET(UriBuilder.of(series).expand(Map.of("metric", payload))
                + "?from=" + from));
        for (String parameter : List.of("from", "to", "step", "aggregate", "groupBy", "filter", "limit", "format")) {
            requests.add(HttpRequest.GET(UriBuilder.of("/v1/metrics/latency/series").queryParam("from", from)
                    .queryParam(parameter, payload).build().toString()));
        }
        requests.add(HttpRequest.GET(UriBuilder.of("/v1/metrics/latency/series").queryParam("from", from)
                .queryParam("filter", "region:eq:" + payload).queryParam("groupBy", "region").build().toString()));
        requests.add(HttpRequest.GET(UriBuilder.of("/v2/metrics").queryParam("since", payload).build().toString()));
        requests.add(HttpRequest.GET(UriBuilder.of("/v2/heatmaps/correlation").queryParam("metrics", "latency," + payload)
                .queryParam("from", from).build().toString()));
        requests.add(HttpRequest.GET(UriBuilder.of("/v2/dashboards/{id}").expand(Map.of("id", payload)).toString()));
        requests.add(HttpRequest.GET(UriBuilder.of("/v2/dashboards").queryParam("cursor", payload).build().toString()));
        requests.add(HttpRequest.POST("/v2/dashboards", Map.of("name", payload, "defaultRange", payload,
                "refreshSeconds", 10, "widgets", List.of())));
        requests.add(HttpRequest.POST("/v2/api-keys", Map.of("name", payload, "permissions", List.of("metrics:read"))));
        requests.add(HttpRequest.POST("/v2/api-keys", Map.of("name", "k", "permissions", List.of(payload))));
        requests.add(HttpRequest.DELETE(UriBuilder.of("/v2/api-keys/{id}").expand(Map.of("id", payload)).toString()));
        requests.add(HttpRequest.POST("/graphql", Map.of("query", "query($m: String!) { series(metric: $m, from: \""
                + from + "\", groupBy: [\"region\"], filters: [\"region:in:eu\"]) { series { events } } }",
                "variables", Map.of("m", payload))));
        requests.add(HttpRequest.POST("/graphql", Map.of("query", "query($f: String!) { series(metric: \"latency\","
                + " from: \"" + from + "\", filters: [$f]) { series { events } } }",
                "variables", Map.of("f", "region:eq:" + payload))));
        return requests;
    }

    @Test
    void payloadsInEveryParameterReachNoSqlAndChangeNothing() throws Exception {
        String before = tables();
        List<String> leaks = new ArrayList<>();
        for (String payload : PAYLOADS) {
            for (MutableHttpRequest<?> request : requests(payload)) {
                String answer = answer(request);
                // and the same payload as an API key: looked up by its hash, never by its text
                answer += answer(HttpRequest.GET("/v2/metrics").header(ApiKeyAuthenticationFetcher.HEADER,
                        "pulse_" + payload));
                for (String word : DATABASE_WORDS) {
                    if (answer.contains(word)) {
                        leaks.add(request.getMethodName() + " " + request.getPath() + " with " + payload + ": " + answer);
                    }
                }
                if (answer.contains("\"events\":7") || answer.contains("globex")) {
                    leaks.add("another tenant's data: " + request.getPath() + " " + answer);
                }
            }
        }
        assertThat(leaks).isEmpty();
        assertThat(tables()).isEqualTo(before);
        // the endpoints still answer normally afterwards
        String ok = http.toBlocking().retrieve(HttpRequest.GET("/v2/metrics/latency/series?from="
                + Instant.now().minusSeconds(3600)).bearerAuth(token), Argument.STRING);
        assertThat(ok).contains("latency");
    }
}
