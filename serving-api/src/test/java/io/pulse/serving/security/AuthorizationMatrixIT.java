package io.pulse.serving.security;

import static org.assertj.core.api.Assertions.assertThat;

import graphql.GraphQL;
import graphql.schema.GraphQLFieldDefinition;
import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import io.pulse.contracts.testing.IdentityProvider;
import io.pulse.contracts.testing.TestServices;
import io.pulse.serving.testing.ServingProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every route of the server's route table and every GraphQL root field, called as each role and as
 * anonymous: allowed exactly when the role grants the route's permission. A route or field without a
 * permission fails the suite.
 */
class AuthorizationMatrixIT {

    /** Authenticated only; their operations are checked field by field (GraphQL) below. */
    private static final Set<String> CHECKED_PER_FIELD = Set.of("GET /graphql", "POST /graphql", "GET /graphql-ws");
    /**
     * The login flow and the resource metadata, anonymous by design (docs/security.md); the health check
     * of load balancers and containers, which says only UP or DOWN (HealthIT); the Prometheus scrape, whose
     * labels hold no tenant, user or raw path (PrometheusEndpointIT).
     */
    private static final Set<String> ANONYMOUS = Set.of("GET /oauth/login/pulse", "GET /oauth/callback/pulse",
            "POST /oauth/callback/pulse", "GET /logout", "POST /logout", "GET /.well-known/oauth-protected-resource",
            "GET /.well-known/oauth-protected-resource{path:.+}", "GET /health", "GET /health/{selector}",
            "GET /prometheus");
    /** Any authenticated caller, whatever its roles: who am I. */
    private static final Set<String> ANY_CALLER = Set.of("GET /v2/session");
    /** What each GraphQL root field needs; the schema's fields must all be here. */
    private static final Map<String, Permission> FIELDS = Map.of("metrics", Permission.METRICS_READ,
            "series", Permission.METRICS_READ, "correlation", Permission.METRICS_READ,
            "dashboards", Permission.DASHBOARDS_READ, "dashboard", Permission.DASHBOARDS_READ,
            "liveSeries", Permission.METRICS_READ);
    private static final Map<String, String> FIELD_QUERIES = Map.of(
            "metrics", "{ metrics { name } }",
            "series", "{ series(metric: \"orders\", from: \"2026-11-25T00:00:00Z\") { step } }",
            "correlation", "{ correlation(metrics: [\"orders\"], from: \"2026-11-25T00:00:00Z\") { step } }",
            "dashboards", "{ dashboards { name } }",
            "dashboard", "{ dashboard(id: \"5f0c6a4e-0000-4000-8000-000000000000\") { name } }");

    private static final TestServices.Postgres POSTGRES = TestServices.postgres();
    private static String url;
    private static EmbeddedServer server;
    private static HttpClient http;
    private static final Map<Role, String> TOKENS = new EnumMap<>(Role.class);

    @BeforeAll
    static void start() {
        url = POSTGRES.createDatabase("pulse_authz");
        // every route is tried by every role and anonymously: far more than a minute's requests and refusals
        // per address; the limits have their own test (RateLimitIT)
        server = ApplicationContext.run(EmbeddedServer.class, ServingProperties.forDatabase(url,
                Map.of("pulse.rate-limit.enabled", false)));
        http = server.getApplicationContext().createBean(HttpClient.class, server.getURL());
        for (Role role : Role.values()) {
            TOKENS.put(role, IdentityProvider.shared().token(role.code(), "acme", role.code()));
        }
    }

    @AfterAll
    static void stop() {
        server.close();
        POSTGRES.dropDatabase(url);
    }

    private static int status(HttpRequest<?> request) {
        try {
            return http.toBlocking().exchange(request, String.class).code();
        } catch (HttpClientResponseException e) {
            return e.getStatus().getCode();
        }
    }

    private static MutableHttpRequest<?> request(UriRouteInfo<?, ?> route) {
        String path = route.getUriMatchTemplate().toString().replaceAll("\\{\\?[^}]*}", "")
                .replace("{id}", "5f0c6a4e-0000-4000-8000-000000000000").replaceAll("\\{[^}]+}", "orders");
        HttpMethod method = route.getHttpMethod();
        MutableHttpRequest<?> request = HttpRequest.create(method, path);
        return method == HttpMethod.POST || method == HttpMethod.PUT ? request.body(Map.of()) : request;
    }

    @Test
    void everyRouteIsAllowedExactlyToTheRolesGrantingItsPermission() {
        List<UriRouteInfo<?, ?>> routes = server.getApplicationContext().getBean(Router.class).uriRoutes()
                .filter(route -> !route.getHttpMethodName().equals("HEAD"))
                .filter(route -> !CHECKED_PER_FIELD.contains(route.getHttpMethodName() + " " + route.getUriMatchTemplate()))
                .collect(Collectors.toList());
        assertThat(routes).hasSizeGreaterThan(10);
        List<String> withoutPermission = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        for (UriRouteInfo<?, ?> route : routes) {
            String name = route.getHttpMethodName() + " " + route.getUriMatchTemplate();
            Optional<Permission> required = route.getAnnotationMetadata()
                    .enumValue(RequiresPermission.class, Permission.class);
            if (ANONYMOUS.contains(name)) {
                continue;
            }
            if (ANY_CALLER.contains(name)) {
                if (status(request(route)) != 401) {
                    wrong.add(name + " as anonymous");
                }
                java.util.Arrays.stream(Role.values()).filter(role -> status(request(route).bearerAuth(TOKENS.get(role))) != 200)
                        .forEach(role -> wrong.add(name + " as " + role.code()));
                continue;
            }
            if (required.isEmpty()) {
                withoutPermission.add(name);
                continue;
            }
            if (status(request(route)) != 401) {
                wrong.add(name + " as anonymous");
            }
            for (Role role : Role.values()) {
                int status = status(request(route).bearerAuth(TOKENS.get(role)));
                boolean allowed = role.permissions().contains(required.get());
                if (allowed == (status == 401 || status == 403)) {
                    wrong.add(name + " as " + role.code() + ": " + status);
                }
            }
        }
        assertThat(withoutPermission).as("routes without @RequiresPermission").isEmpty();
        assertThat(wrong).as("decisions that differ from the role table").isEmpty();
    }

    @Test
    void everyGraphQLRootFieldIsAllowedExactlyToTheRolesGrantingItsPermission() {
        GraphQL graphQL = server.getApplicationContext().getBean(GraphQL.class);
        Set<String> schemaFields = Stream.concat(
                        graphQL.getGraphQLSchema().getQueryType().getFieldDefinitions().stream(),
                        graphQL.getGraphQLSchema().getSubscriptionType().getFieldDefinitions().stream())
                .map(GraphQLFieldDefinition::getName).collect(Collectors.toCollection(TreeSet::new));
        assertThat(FIELDS.keySet()).as("a permission for every root field").containsExactlyInAnyOrderElementsOf(schemaFields);
        List<String> wrong = new ArrayList<>();
        FIELD_QUERIES.forEach((field, query) -> {
            for (Role role : Role.values()) {
                Map<String, Object> answer = http.toBlocking().retrieve(HttpRequest.POST("/graphql",
                        Map.of("query", query)).bearerAuth(TOKENS.get(role)), Argument.mapOf(String.class, Object.class));
                boolean forbidden = String.valueOf(answer.get("errors")).contains("code=forbidden");
                if (forbidden == role.permissions().contains(FIELDS.get(field))) {
                    wrong.add(field + " as " + role.code() + ": " + answer);
                }
            }
        });
        assertThat(wrong).isEmpty();
    }

    @Test
    void theTableInTheSecurityDocIsTheOneInTheCode() throws Exception {
        Map<String, Set<String>> documented = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("..", "docs", "security.md"))) {
            String[] cells = line.split("\\|", -1);
            if (cells.length == 4 && Arrays.stream(Role.values()).anyMatch(r -> cells[1].trim().equals("`" + r.code() + "`"))) {
                documented.put(cells[1].trim().replace("`", ""), Arrays.stream(cells[2].split(","))
                        .map(p -> p.trim().replace("`", "")).collect(Collectors.toCollection(TreeSet::new)));
            }
        }
        Map<String, Set<String>> code = new HashMap<>();
        for (Role role : Role.values()) {
            code.put(role.code(), role.permissions().stream().map(Permission::code)
                    .collect(Collectors.toCollection(TreeSet::new)));
        }
        assertThat(documented).isEqualTo(code);
    }

    @Test
    void aTokenWithoutRolesMayDoNothing() {
        String none = IdentityProvider.shared().tokenWithClaims("nobody", Map.of("tenant", "acme"));
        assertThat(status(HttpRequest.GET("/v2/dashboards").bearerAuth(none))).isEqualTo(403);
        assertThat(status(HttpRequest.GET("/v2/metrics").bearerAuth(none))).isEqualTo(403);
    }
}
