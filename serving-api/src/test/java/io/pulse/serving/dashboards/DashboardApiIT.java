package io.pulse.serving.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pulse.contracts.schema.Migrations;
import io.pulse.contracts.testing.IdentityProvider;
import io.pulse.contracts.testing.TestServices;
import io.pulse.serving.testing.ServingProperties;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Dashboards CRUD over real PostgreSQL: tenant scoping, optimistic concurrency, paging, errors. */
class DashboardApiIT {

    private static final Argument<Map<String, Object>> JSON = Argument.mapOf(String.class, Object.class);
    private static String url;
    private static EmbeddedServer server;
    private static HttpClient client;
    private static String acme;
    private static String globex;

    @BeforeAll
    static void start() {
        url = TestServices.postgres().createDatabase("pulse_dashboards");
        Migrations.apply(url, TestServices.postgres().user(), TestServices.postgres().password());
        server = ApplicationContext.run(EmbeddedServer.class, ServingProperties.forDatabase(url, Map.of()));
        client = server.getApplicationContext().createBean(HttpClient.class, server.getURL());
        acme = IdentityProvider.shared().token("alice", "acme", "admin");
        globex = IdentityProvider.shared().token("bob", "globex", "admin");
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
        TestServices.postgres().dropDatabase(url);
    }

    private static HttpResponse<Map<String, Object>> call(MutableHttpRequest<?> request, String token) {
        request.bearerAuth(token);
        try {
            return client.toBlocking().exchange(request, JSON);
        } catch (HttpClientResponseException e) {
            return HttpResponse.status(e.getStatus()).body(e.getResponse().getBody(JSON).orElse(Map.of()));
        }
    }

    private static Map<String, Object> dashboard(String name, Object version) {
        Map<String, Object> widget = Map.of("type", "line", "title", "p99 latency",
                "query", Map.of("metric", "latency", "aggregate", "p99"), "x", 0, "y", 0, "w", 6, "h", 4);
        Map<String, Object> body = new java.util.HashMap<>(Map.of("name", name, "defaultRange", "PT1H",
                "refreshSeconds", 10, "widgets", List.of(widget)));
        if (version != null) {
            body.put("version", version);
        }
        return body;
    }

    private static Map<String, Object> create(String name, String token) {
        HttpResponse<Map<String, Object>> created = call(HttpRequest.POST("/v2/dashboards", dashboard(name, null)), token);
        assertThat(created.getStatus().getCode()).isEqualTo(201);
        return created.body();
    }

    @Test
    void createsReadsUpdatesAndDeletesWithinTheTenant() {
        Map<String, Object> created = create("Checkout", acme);
        String path = "/v1/dashboards/" + created.get("id");
        HttpResponse<Map<String, Object>> read = call(HttpRequest.GET(path), acme);
        assertThat(read.body()).containsEntry("name", "Checkout").containsEntry("refreshSeconds", 10);
        assertThat(read.getHeaders().get("ETag")).isEqualTo("\"" + created.get("version") + "\"");
        assertThat((List<?>) read.body().get("widgets")).hasSize(1);

        HttpResponse<Map<String, Object>> updated = call(HttpRequest.PUT(path,
                dashboard("Checkout (EU)", created.get("version"))), acme);
        assertThat(updated.getStatus().getCode()).isEqualTo(200);
        assertThat(updated.body()).containsEntry("name", "Checkout (EU)");
        assertThat(((Number) updated.body().get("version")).longValue())
                .isGreaterThan(((Number) created.get("version")).longValue());

        assertThat(call(HttpRequest.DELETE(path), acme).getStatus().getCode()).isEqualTo(204);
        assertThat(call(HttpRequest.GET(path), acme).getStatus().getCode()).isEqualTo(404);
        assertThat(call(HttpRequest.DELETE(path), acme).getStatus().getCode()).isEqualTo(404);
    }

    @Test
    void aStaleUpdateIsRefusedAndChangesNothing() {
        Map<String, Object> created = create("Payments", acme);
        String path = "/v2/dashboards/" + created.get("id");
        Object version = created.get("version");
        assertThat(call(HttpRequest.PUT(path, dashboard("first writer", version)), acme).getStatus().getCode())
                .isEqualTo(200);
        HttpResponse<Map<String, Object>> stale = call(HttpRequest.PUT(path, dashboard("second writer", version)), acme);
        assertThat(stale.getStatus().getCode()).isEqualTo(409);
        assertThat(stale.body()).containsEntry("status", 409);
        HttpResponse<Map<String, Object>> wrongEtag = call(HttpRequest.PUT(path, dashboard("third", null))
                .header("If-Match", "\"" + version + "\""), acme);
        assertThat(wrongEtag.getStatus().getCode()).isEqualTo(412);
        HttpResponse<Map<String, Object>> current = call(HttpRequest.GET(path), acme);
        assertThat(current.body()).containsEntry("name", "first writer");
        assertThat(call(HttpRequest.PUT(path, dashboard("with etag", null))
                .header("If-Match", current.getHeaders().get("ETag")), acme).getStatus().getCode()).isEqualTo(200);
    }

    @Test
    void anotherTenantCanNeitherSeeNorChangeIt() {
        Map<String, Object> created = create("Acme only", acme);
        String path = "/v1/dashboards/" + created.get("id");
        assertThat(call(HttpRequest.GET(path), globex).getStatus().getCode()).isEqualTo(404);
        assertThat(call(HttpRequest.PUT(path, dashboard("taken", created.get("version"))), globex).getStatus().getCode())
                .isEqualTo(404);
        assertThat(call(HttpRequest.DELETE(path), globex).getStatus().getCode()).isEqualTo(404);
        assertThat(call(HttpRequest.GET(path), acme).body()).containsEntry("name", "Acme only");
        assertThat((List<Map<String, Object>>) call(HttpRequest.GET("/v1/dashboards"), globex).body().get("dashboards"))
                .extracting(d -> d.get("name")).doesNotContain("Acme only");
    }

    @Test
    void invalidDashboardsAreRefusedWithTheViolations() {
        Map<String, Object> body = dashboard("", null);
        body.put("defaultRange", "forever");
        HttpResponse<Map<String, Object>> refused = call(HttpRequest.POST("/v2/dashboards", body), acme);
        assertThat(refused.getStatus().getCode()).isEqualTo(400);
        assertThat((String) refused.body().get("detail")).contains("name").contains("defaultRange")
                .doesNotContain("forever");
        Map<String, Object> badWidget = dashboard("x", null);
        badWidget.put("widgets", List.of(Map.of("type", "pie", "title", "t", "query", Map.of(), "x", 0, "y", 0,
                "w", 13, "h", 1)));
        assertThat(call(HttpRequest.POST("/v1/dashboards", badWidget), acme).getStatus().getCode()).isEqualTo(400);
    }

    @Test
    void listsArePagedByCursorOnV2() {
        String tenantToken = IdentityProvider.shared().token("carol", "paging", "admin");
        for (String name : List.of("b", "a", "c")) {
            create(name, tenantToken);
        }
        Map<String, Object> first = call(HttpRequest.GET("/v2/dashboards?limit=2"), tenantToken).body();
        assertThat((List<Map<String, Object>>) first.get("items")).extracting(d -> d.get("name")).containsExactly("a", "b");
        Map<String, Object> second = call(HttpRequest.GET("/v2/dashboards?limit=2&cursor=" + first.get("nextCursor")),
                tenantToken).body();
        assertThat((List<Map<String, Object>>) second.get("items")).extracting(d -> d.get("name")).containsExactly("c");
        assertThat(second.get("nextCursor")).isNull();
        assertThat(call(HttpRequest.GET("/v2/dashboards?cursor=bad"), tenantToken).getStatus().getCode()).isEqualTo(400);
        assertThat((List<?>) call(HttpRequest.GET("/v1/dashboards"), tenantToken).body().get("dashboards")).hasSize(3);
    }
}
