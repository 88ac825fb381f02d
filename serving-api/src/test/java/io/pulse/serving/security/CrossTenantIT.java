package io.pulse.serving.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.websocket.WebSocketClient;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.testing.TestServices;
import io.pulse.serving.apikeys.ApiKeyAuthenticationFetcher;
import io.pulse.serving.testing.GraphQLWsClient;
import io.pulse.serving.testing.RollupRows;
import io.pulse.serving.testing.StreamClient;
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
 * A tenant admin of acme tries to reach globex through every API: REST reads and writes, CSV export,
 * GraphQL, the live stream, API keys and the shared cache. Every attempt gets acme's data or nothing,
 * never a globex value, and globex's rows are unchanged afterwards.
 */
class CrossTenantIT {

    /** Marks globex's data: no answer to acme may contain it. */
    private static final String SECRET = "globex-secret";
    private static final Argument<Map<String, Object>> JSON = Argument.mapOf(String.class, Object.class);
    private static final TestServices.Postgres POSTGRES = TestServices.postgres();
    private static final Instant MINUTE = Instant.now().truncatedTo(ChronoUnit.MINUTES).minusSeconds(300);
    private static final String RANGE = "from=" + MINUTE.minusSeconds(600) + "&to=" + MINUTE.plusSeconds(120);
    private static TestServer server;
    private static String acme;
    private static String globex;
    private static String globexDashboard;
    private static String globexKeyId;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void start() throws Exception {
        server = TestServer.start("pulse_cross_tenant", Map.of());
        acme = server.token("alice", "acme", "admin");
        globex = server.token("gina", "globex", "admin");
        RollupRows rows = new RollupRows(server.url(), POSTGRES.user(), POSTGRES.password());
        for (Granularity granularity : List.of(Granularity.TEN_SECONDS, Granularity.ONE_MINUTE, Granularity.ONE_HOUR)) {
            rows.write(granularity, "acme", "latency", Map.of("region", "eu"), MINUTE, new double[] {1, 2}, 1);
            rows.write(granularity, "globex", "latency", Map.of("region", SECRET), MINUTE, new double[] {7, 8, 9}, 1);
        }
        globexDashboard = (String) server.http().toBlocking().retrieve(HttpRequest.POST("/v2/dashboards",
                Map.of("name", SECRET, "defaultRange", "PT1H", "refreshSeconds", 10, "widgets", List.of()))
                .bearerAuth(globex), JSON).get("id");
        Map<String, Object> key = server.http().toBlocking().retrieve(HttpRequest.POST("/v2/api-keys",
                Map.of("name", SECRET, "permissions", List.of("metrics:read"))).bearerAuth(globex), JSON);
        globexKeyId = (String) ((Map<String, Object>) key.get("apiKey")).get("id");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Status and body of an answer to acme. */
    private static String asAcme(MutableHttpRequest<?> request) {
        try {
            return server.http().toBlocking().exchange(request.bearerAuth(acme), String.class).body();
        } catch (HttpClientResponseException e) {
            return e.getStatus().getCode() + " " + e.getResponse().getBody(String.class).orElse("");
        }
    }

    /** Every globex row of every tenant table, as text. */
    private static List<String> globexRows() throws Exception {
        List<String> found = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(server.url(), POSTGRES.user(), POSTGRES.password());
             Statement s = c.createStatement()) {
            for (String table : List.of("rollup_10s", "rollup_1m", "rollup_1h", "dashboard", "api_key")) {
                try (ResultSet r = s.executeQuery("SELECT row_to_json(t)::text FROM " + table
                        + " t WHERE tenant = 'globex' ORDER BY 1")) {
                    while (r.next()) {
                        found.add(table + " " + r.getString(1));
                    }
                }
            }
        }
        return found;
    }

    @Test
    void noApiGivesAcmeAnythingOfGlobexAndGlobexsRowsStayAsTheyWere() throws Exception {
        List<String> before = globexRows();
        List<String> answers = new ArrayList<>();

        // reads: acme's own data only, whatever tenant the request names
        String series = asAcme(HttpRequest.GET("/v2/metrics/latency/series?" + RANGE + "&groupBy=region&tenant=globex"));
        assertThat(series).contains("\"eu\"");
        answers.add(series);
        answers.add(asAcme(HttpRequest.GET("/v1/metrics/latency/series?" + RANGE + "&aggregate=max")));
        answers.add(asAcme(HttpRequest.GET("/v2/metrics/latency/series?" + RANGE + "&groupBy=region&format=csv")));
        answers.add(asAcme(HttpRequest.GET("/v1/metrics/latency/series?" + RANGE + "&groupBy=region")
                .accept("text/csv")));
        answers.add(asAcme(HttpRequest.GET("/v2/metrics?since=" + MINUTE.minusSeconds(7200))));
        answers.add(asAcme(HttpRequest.GET("/v1/heatmaps/hour-by-weekday/latency?" + RANGE)));
        answers.add(asAcme(HttpRequest.GET("/v2/dashboards")));
        answers.add(asAcme(HttpRequest.GET("/v2/api-keys")));

        // another tenant's resources by id: not found, not changed
        assertThat(asAcme(HttpRequest.GET("/v2/dashboards/" + globexDashboard))).startsWith("404");
        assertThat(asAcme(HttpRequest.PUT("/v2/dashboards/" + globexDashboard, Map.of("name", "taken",
                "defaultRange", "PT1H", "refreshSeconds", 10, "widgets", List.of(), "version", 0)))).startsWith("404");
        assertThat(asAcme(HttpRequest.DELETE("/v2/dashboards/" + globexDashboard))).startsWith("404");
        assertThat(asAcme(HttpRequest.DELETE("/v2/api-keys/" + globexKeyId))).startsWith("404");

        // GraphQL, the same reads and the dashboard by id
        answers.add(asAcme(HttpRequest.POST("/graphql", Map.of("query", "{ dashboard(id: \"" + globexDashboard
                + "\") { name } dashboards { name } metrics(since: \"" + MINUTE.minusSeconds(7200) + "\") { name "
                + "dimensions { values { value } } } series(metric: \"latency\", from: \"" + MINUTE.minusSeconds(600)
                + "\", groupBy: [\"region\"]) { series { events group { value } } } }"))));
        assertThat(answers.get(answers.size() - 1)).contains("\"dashboard\":null").contains("\"eu\"");

        for (String answer : answers) {
            assertThat(answer).doesNotContain(SECRET).doesNotContain("globex").doesNotContain("\"events\":3");
        }
        assertThat(globexRows()).isEqualTo(before);
    }

    @Test
    void theCacheKeepsTenantsApart() {
        String query = "/v2/metrics/latency/series?" + RANGE + "&aggregate=count";
        String first = server.http().toBlocking().retrieve(HttpRequest.GET(query).bearerAuth(globex));
        assertThat(first).contains("3.0");
        String second = asAcme(HttpRequest.GET(query));
        assertThat(second).isNotEqualTo(first).doesNotContain("3.0").contains("2.0");
        assertThat(server.http().toBlocking().retrieve(HttpRequest.GET(query).bearerAuth(globex))).isEqualTo(first);
    }

    @Test
    void liveSubscriptionsSeeOnlyTheCallersTenant() throws Exception {
        try (WebSocketClient sockets = server.server().getApplicationContext().createBean(WebSocketClient.class,
                server.server().getURL());
             StreamClient stream = StreamClient.connect(sockets, server.server().getURI(), acme);
             GraphQLWsClient graphql = GraphQLWsClient.connect(sockets, server.server().getURI(), acme)) {
            stream.send(Map.of("type", "subscribe", "sub", "l", "metric", "latency", "window", "1m",
                    "aggregate", "count", "groupBy", List.of("region"), "points", 30));
            String snapshot = stream.next().toString();
            assertThat(snapshot).contains("snapshot").contains("eu").doesNotContain(SECRET);

            graphql.send(Map.of("type", "connection_init"));
            assertThat(graphql.next()).containsEntry("type", "connection_ack");
            graphql.send(Map.of("type", "subscribe", "id", "live", "payload", Map.of("query", "subscription {"
                    + " liveSeries(metric: \"latency\", window: \"1m\", groupBy: [\"region\"], points: 30) { kind"
                    + " series { group { value } events } } }")));
            String live = graphql.next().toString();
            assertThat(live).contains("snapshot").contains("eu").doesNotContain(SECRET);
        }
    }

    @Test
    void anotherTenantsApiKeyGivesItsOwnTenantOnly() throws Exception {
        // globex's key reads globex: the key, not a parameter, decides the tenant
        assertThat(asAcme(HttpRequest.GET("/v2/api-keys"))).doesNotContain(globexKeyId);
        String acmeKey = (String) server.http().toBlocking().retrieve(HttpRequest.POST("/v2/api-keys",
                Map.of("name", "reader", "permissions", List.of("metrics:read"))).bearerAuth(acme), JSON).get("key");
        String viaKey = server.http().toBlocking().retrieve(HttpRequest.GET("/v2/metrics/latency/series?" + RANGE
                + "&groupBy=region&tenant=globex").header(ApiKeyAuthenticationFetcher.HEADER, acmeKey));
        assertThat(viaKey).contains("\"eu\"").doesNotContain(SECRET);
    }
}
