package io.pulse.serving.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.web.router.Router;
import io.pulse.contracts.testing.TestServices;
import io.pulse.serving.testing.ServingProperties;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The OpenAPI document is generated from the code; this fails when it drifts from the routes the server
 * really has (a route missing from the document, or a documented operation without a route).
 */
class OpenApiDocumentIT {

    /**
     * Routes OpenAPI cannot describe, each documented by its own contract (docs/streaming.md,
     * schema.graphqls), the browser login flow of Micronaut Security (docs/security.md), and the health
     * check for load balancers and containers (docs/devstack.md) and the Prometheus scrape
     * (docs/operations/observability.md), which are not part of the API.
     */
    private static final Set<String> DESCRIBED_ELSEWHERE = Set.of("GET /v1/stream", "GET /graphql-ws",
            "GET /graphql", "POST /graphql", "GET /oauth/login/pulse", "GET /oauth/callback/pulse",
            "POST /oauth/callback/pulse", "GET /logout", "POST /logout", "GET /.well-known/oauth-protected-resource",
            "GET /.well-known/oauth-protected-resource{path:.+}", "GET /health", "GET /health/{selector}",
            "GET /prometheus");

    @Test
    @SuppressWarnings("unchecked")
    void theServedDocumentListsExactlyTheServersRoutes() {
        TestServices.Postgres postgres = TestServices.postgres();
        String url = postgres.createDatabase("pulse_openapi");
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class,
                ServingProperties.forDatabase(url, Map.of("pulse.schema.manage", false)));
             HttpClient client = server.getApplicationContext().createBean(HttpClient.class, server.getURL())) {
            String document = client.toBlocking().retrieve("/openapi/pulse-v2.yml");
            Map<String, Object> openApi = new Yaml().load(document);
            Set<String> documented = new TreeSet<>();
            ((Map<String, Map<String, Object>>) openApi.get("paths")).forEach((path, operations) ->
                    operations.keySet().forEach(method -> documented.add(method.toUpperCase() + " " + path)));

            Set<String> routed = new TreeSet<>();
            // every GET also answers HEAD implicitly; the document lists the GET
            server.getApplicationContext().getBean(Router.class).uriRoutes()
                    .filter(route -> !route.getHttpMethodName().equals("HEAD"))
                    .forEach(route -> routed.add(route.getHttpMethodName() + " "
                            + route.getUriMatchTemplate().toString().replaceAll("\\{\\?[^}]*}", "")));

            routed.removeAll(DESCRIBED_ELSEWHERE);
            assertThat(documented).isNotEmpty().isEqualTo(routed);
            assertThat(document).contains("bearerFormat: JWT").contains("name: X-API-Key").contains("name: PULSE_SESSION");
        } finally {
            postgres.dropDatabase(url);
        }
    }
}
