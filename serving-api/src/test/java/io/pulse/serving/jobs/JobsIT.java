package io.pulse.serving.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.pulse.serving.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rollup specs through the API on a real server and PostgreSQL: validation with paths and an estimate,
 * versions stored in order with their history, the diff and upgrade plan, and who may do what.
 */
class JobsIT {

    private static final Argument<Map<String, Object>> JSON = Argument.mapOf(String.class, Object.class);
    private static final String V1 = """
            name: checkout-latency
            version: 1
            source: { metrics: ["checkout.*"] }
            windows: { tumbling: [10s, 1m] }
            aggregates: [count, sum, min, max, mean, quantiles, distinct]
            """;
    private static TestServer server;
    private static String engineer;
    private static String admin;
    private static String viewer;

    @BeforeAll
    static void start() {
        server = TestServer.start("pulse_jobs", Map.of());
        engineer = server.token("dana", "acme", "ops");
        admin = server.token("alice", "acme", "admin");
        viewer = server.token("victor", "acme", "viewer");
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

    private static HttpResponse<Map<String, Object>> submit(String token, String spec) {
        return call(HttpRequest.POST("/v2/jobs/specs", Map.of("spec", spec)).bearerAuth(token));
    }

    @Test
    @SuppressWarnings("unchecked")
    void validationReportsEveryErrorWithItsPathAndStoresNothing() {
        String bad = V1.replace("[10s, 1m]", "[15s]").replace("distinct]", "p99]");
        HttpResponse<Map<String, Object>> check = call(HttpRequest.POST("/v2/jobs/validate", Map.of("spec", bad))
                .bearerAuth(admin));

        assertThat(check.code()).isEqualTo(200);
        assertThat(check.body().get("valid")).isEqualTo(false);
        assertThat((List<Map<String, Object>>) check.body().get("errors")).containsExactly(
                Map.of("kind", "not-multiple-of-pane", "path", "/windows/tumbling/0",
                        "message", "15s is not a whole number of the job's 10s panes"),
                Map.of("kind", "unknown-aggregate", "path", "/aggregates/6",
                        "message", "unknown aggregate 'p99'; known are count, sum, min, max, mean, quantiles, distinct"));

        HttpResponse<Map<String, Object>> refused = submit(engineer, bad.replace("checkout-latency", "never-stored"));
        assertThat(refused.code()).isEqualTo(422);
        assertThat((List<?>) refused.body().get("errors")).hasSize(2);
        assertThat(call(HttpRequest.GET("/v2/jobs/specs/never-stored/versions").bearerAuth(engineer)).code())
                .isEqualTo(404);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aSampleGivesTheSeriesEstimateAndTheCapWarning() {
        List<Map<String, Object>> sample = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            sample.add(Map.of("tenant", "acme", "metric", "checkout.ms", "timestamp", i, "value", i,
                    "dimensions", Map.of("device", "d" + i, "user", "u" + i)));
        }
        sample.add(Map.of("tenant", "acme", "metric", "search.ms", "timestamp", 0, "value", 1, "dimensions", Map.of()));
        String capped = V1 + "series: { maxSeriesPerMetric: 25 }\n";

        Map<String, Object> check = call(HttpRequest.POST("/v2/jobs/validate", Map.of("spec", capped, "sample", sample))
                .bearerAuth(engineer)).body();

        assertThat(check.get("valid")).isEqualTo(true);
        Map<String, Object> estimate = (Map<String, Object>) check.get("estimate");
        assertThat(estimate).containsEntry("sampledEvents", 41).containsEntry("selectedEvents", 40)
                .containsEntry("series", 40);
        assertThat(((Number) estimate.get("stateBytes")).longValue()).isPositive();
        assertThat((List<String>) estimate.get("warnings")).singleElement().asString()
                .startsWith("tenant acme, metric checkout.ms: 40 series in the sample, past the cap of 25");
    }

    @Test
    @SuppressWarnings("unchecked")
    void versionsAreStoredInOrderWithHistoryDiffAndPlan() {
        String name = "orders";
        String v1 = V1.replace("checkout-latency", name);
        String v2 = v1.replace("version: 1", "version: 2").replace("[10s, 1m]", "[10s, 1m, 1h]");

        assertThat(submit(engineer, v1).code()).isEqualTo(201);
        HttpResponse<Map<String, Object>> skipped = submit(engineer, v2.replace("version: 2", "version: 3"));
        assertThat(skipped.code()).isEqualTo(409);
        assertThat(skipped.body().get("detail")).isEqualTo("version 3 of orders must be 2 (the latest stored is 1)");
        assertThat(submit(engineer, v1).code()).as("the same version twice").isEqualTo(409);
        HttpResponse<Map<String, Object>> second = submit(engineer, v2);
        assertThat(second.code()).isEqualTo(201);
        assertThat(second.body()).containsEntry("name", name).containsEntry("version", 2).containsEntry("createdBy", "dana");

        List<Map<String, Object>> history = (List<Map<String, Object>>) call(
                HttpRequest.GET("/v2/jobs/specs/" + name + "/versions").bearerAuth(admin)).body().get("items");
        assertThat(history).extracting(v -> v.get("version")).containsExactly(2, 1);
        List<Map<String, Object>> latest = (List<Map<String, Object>>) call(
                HttpRequest.GET("/v2/jobs/specs").bearerAuth(admin)).body().get("items");
        assertThat(latest).filteredOn(v -> v.get("name").equals(name)).singleElement()
                .satisfies(v -> assertThat(v.get("version")).isEqualTo(2));

        Map<String, Object> diff = call(HttpRequest.GET("/v2/jobs/specs/" + name + "/diff?from=1&to=2")
                .bearerAuth(admin)).body();
        assertThat((List<Map<String, Object>>) diff.get("changes")).containsExactly(Map.of(
                "path", "/windows/tumbling", "before", "[\"10s\",\"1m\"]", "after", "[\"10s\",\"1m\",\"1h\"]"));
        Map<String, Object> plan = (Map<String, Object>) diff.get("plan");
        assertThat(plan).containsEntry("fullyRestored", false).containsEntry("dropsState", false);
        assertThat((List<Map<String, Object>>) plan.get("steps"))
                .filteredOn(step -> step.get("fate").equals("starts-empty"))
                .extracting(step -> step.get("toUid")).containsExactly("orders/rollup-1h");
    }

    @Test
    void readingNeedsJobsReadAndStoringNeedsJobsManage() {
        assertThat(call(HttpRequest.GET("/v2/jobs/specs").bearerAuth(viewer)).code()).isEqualTo(403);
        assertThat(call(HttpRequest.GET("/v2/jobs/schema").bearerAuth(viewer)).code()).isEqualTo(403);
        assertThat(submit(admin, V1.replace("checkout-latency", "by-admin")).code())
                .as("tenant admins read jobs but do not manage them").isEqualTo(403);
        assertThat(call(HttpRequest.GET("/v2/jobs/specs"))).satisfies(r -> assertThat(r.code()).isEqualTo(401));
    }

    @Test
    void withoutAFlinkClusterDeploymentsSaySoAndChangesAreRefused() {
        HttpResponse<Map<String, Object>> page = call(HttpRequest.GET("/v2/jobs/deployments").bearerAuth(engineer));
        assertThat(page.code()).isEqualTo(200);
        assertThat(page.body()).containsEntry("cluster", null);
        HttpResponse<Map<String, Object>> savepoint = call(HttpRequest.POST("/v2/jobs/deployments/never-deployed/savepoint", Map.of())
                .bearerAuth(engineer));
        assertThat(savepoint.code()).isEqualTo(409);
        HttpResponse<Map<String, Object>> backfill = call(HttpRequest.POST("/v2/jobs/backfills", Map.of("name", "never-stored",
                "version", 1, "from", "2026-11-01T00:00:00Z", "to", "2026-11-02T00:00:00Z")).bearerAuth(engineer));
        assertThat(backfill.code()).isEqualTo(404);
    }

    @Test
    void theSchemaIsPublished() {
        String schema = server.http().toBlocking().retrieve(HttpRequest.GET("/v2/jobs/schema").bearerAuth(engineer));
        assertThat(schema).contains("\"title\": \"Pulse rollup spec\"");
    }
}
