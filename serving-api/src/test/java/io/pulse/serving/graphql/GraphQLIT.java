package io.pulse.serving.graphql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.websocket.WebSocketClient;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.testing.TestServices;
import io.pulse.serving.testing.GraphQLWsClient;
import io.pulse.serving.testing.LivePublisher;
import io.pulse.serving.testing.RollupRows;
import io.pulse.serving.testing.ServingProperties;
import io.pulse.serving.testing.TestServer;
import io.pulse.serving.testing.StreamClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GraphQL over HTTP and over graphql-transport-ws against real PostgreSQL and Redis. */
class GraphQLIT {

    private static final TestServices.Postgres POSTGRES = TestServices.postgres();
    private static final String NAMESPACE = TestServices.uniqueName("graphql-it");
    private static final Instant MINUTE = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(10));
    private static final Argument<Map<String, Object>> JSON = Argument.mapOf(String.class, Object.class);
    private static TestServer server;
    private static HttpClient http;
    private static WebSocketClient sockets;
    private static RollupRows rows;
    private static String acme;
    private static String globex;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("pulse_graphql", Map.of("pulse.redis.namespace", NAMESPACE,
                "micronaut.server.read-idle-timeout", "2s"));
        http = server.http();
        sockets = server.server().getApplicationContext().createBean(WebSocketClient.class, server.server().getURL());
        acme = server.token("alice", "acme", "admin");
        globex = server.token("bob", "globex", "admin");
        rows = new RollupRows(server.url(), POSTGRES.user(), POSTGRES.password());
        rows.write(Granularity.ONE_MINUTE, "acme", "orders", Map.of("region", "eu"), MINUTE, new double[] {1, 2, 3}, 2);
        rows.write(Granularity.ONE_MINUTE, "acme", "orders", Map.of("region", "us"), MINUTE, new double[] {4}, 1);
        // the catalog reads the hourly table
        rows.write(Granularity.ONE_HOUR, "acme", "orders", Map.of("region", "eu"), MINUTE.truncatedTo(ChronoUnit.HOURS),
                new double[] {1, 2, 3, 4}, 1);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Map<String, Object> post(String token, String query) {
        return http.toBlocking().retrieve(HttpRequest.POST("/graphql", Map.of("query", query)).bearerAuth(token), JSON);
    }

    @SuppressWarnings("unchecked")
    private static <T> T at(Map<String, Object> json, String... path) {
        Object node = json;
        for (String step : path) {
            node = step.matches("\\d+") ? ((List<Object>) node).get(Integer.parseInt(step))
                    : ((Map<String, Object>) node).get(step);
        }
        return (T) node;
    }

    private static String seriesQuery(String extra) {
        return "{ series(metric: \"orders\", from: \"" + MINUTE + "\", to: \"" + MINUTE.plusSeconds(60)
                + "\", step: \"1m\", aggregate: \"sum\", groupBy: [\"region\"]" + extra + ") { step aggregate series"
                + " { group { dimension value } events points { time value } } } }";
    }

    @Test
    void queriesAnswerFromTheSameEngineAsRest() {
        Map<String, Object> answer = post(acme, seriesQuery(""));
        assertThat(answer).doesNotContainKey("errors");
        assertThat((List<Object>) at(answer, "data", "series", "series")).hasSize(2);
        assertThat((Map<String, Object>) at(answer, "data", "series", "series", "0")).containsEntry("events", 3.0)
                .containsEntry("group", List.of(Map.of("dimension", "region", "value", "eu")))
                .containsEntry("points", List.of(Map.of("time", (double) MINUTE.toEpochMilli(), "value", 6.0)));

        Map<String, Object> catalog = post(acme, "{ metrics { name events dimensions { name values { value } } }"
                + " dashboards { name } }");
        // eu is counted from its hourly row, us from its minute row (its hour has no hourly row yet)
        assertThat((List<Object>) at(catalog, "data", "metrics")).containsExactly(Map.of("name", "orders", "events", 5.0,
                "dimensions", List.of(Map.of("name", "region", "values",
                        List.of(Map.of("value", "eu"), Map.of("value", "us"))))));
        assertThat((List<Object>) at(catalog, "data", "dashboards")).isEmpty();

        Map<String, Object> correlation = post(acme, "{ correlation(metrics: [\"orders\", \"orders\"], from: \""
                + MINUTE + "\", to: \"" + MINUTE.plusSeconds(60) + "\") { metrics values } }");
        assertThat((List<Object>) at(correlation, "data", "correlation", "metrics")).containsExactly("orders", "orders");
    }

    @Test
    void theTenantComesFromTheTokenOnly() {
        Map<String, Object> answer = post(globex, seriesQuery(""));
        assertThat((List<Object>) at(answer, "data", "series", "series")).isEmpty();
        assertThat((List<Object>) at(post(globex, "{ metrics { name } }"), "data", "metrics")).isEmpty();
    }

    @Test
    void badArgumentsAreFieldErrorsWithOurMessageAndACode() {
        Map<String, Object> answer = post(acme, "{ series(metric: \"orders\", from: \"yesterday\") { step } }");
        assertThat((String) at(answer, "errors", "0", "message")).contains("from must be an ISO-8601 instant")
                .doesNotContain("yesterday");
        assertThat((String) at(answer, "errors", "0", "extensions", "code")).isEqualTo("bad_request");

        Map<String, Object> wrongStep = post(acme, "{ series(metric: \"orders\", from: \"" + MINUTE
                + "\", aggregate: \"median\") { step } }");
        assertThat((String) at(wrongStep, "errors", "0", "message")).startsWith("unknown aggregate");
    }

    @Test
    void operationsOverTheDepthOrComplexityLimitAreRefusedBeforeAnyWork() {
        // introspection types nest without end; the default limit is 8
        Map<String, Object> deep = post(acme,
                "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { name } } } } } } } } }");
        assertThat((String) at(deep, "errors", "0", "message")).contains("maximum query depth exceeded 9 > 8");
        assertThat(deep.get("data")).isNull();

        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i < 20; i++) {
            many.append(" s").append(i).append(": series(metric: \"orders\", from: \"").append(MINUTE)
                    .append("\") { step }");
        }
        many.append(" }");
        // the second time, the operation's parsed document is the one the server kept: still refused
        for (int time = 0; time < 2; time++) {
            Map<String, Object> costly = post(acme, many.toString());
            assertThat((String) at(costly, "errors", "0", "message")).contains("maximum query complexity exceeded");
            assertThat(costly.get("data")).isNull();
            Map<String, Object> deepAgain = post(acme,
                    "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { name } } } } } } } } }");
            assertThat((String) at(deepAgain, "errors", "0", "message")).contains("maximum query depth exceeded");
        }
    }

    @Test
    void anonymousCallersAreRefused() {
        assertThatThrownBy(() -> http.toBlocking().retrieve(HttpRequest.POST("/graphql", Map.of("query", "{ metrics { name } }"))))
                .isInstanceOfSatisfying(HttpClientResponseException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(401));
    }

    @Test
    void aSubscriptionReceivesTheSameUpdateAsTheWebSocketStream() throws Exception {
        try (LivePublisher publisher = new LivePublisher(rows, NAMESPACE);
             GraphQLWsClient graphql = GraphQLWsClient.connect(sockets, server.server().getURI(), acme);
             StreamClient stream = StreamClient.connect(sockets, server.server().getURI(), acme)) {
            graphql.send(Map.of("type", "connection_init"));
            assertThat(graphql.next()).containsEntry("type", "connection_ack");
            graphql.send(Map.of("type", "subscribe", "id", "live", "payload", Map.of("query",
                    "subscription { liveSeries(metric: \"signups\", groupBy: [\"plan\"]) { kind seq cursor"
                            + " points { group { dimension value } time value events } } }")));
            Map<String, Object> snapshot = graphql.next();
            assertThat(snapshot).containsEntry("type", "next").containsEntry("id", "live");
            assertThat((String) at(snapshot, "payload", "data", "liveSeries", "kind")).isEqualTo("snapshot");
            stream.send(Map.of("type", "subscribe", "sub", "s", "metric", "signups", "groupBy", List.of("plan")));
            assertThat(stream.next()).containsEntry("type", "snapshot");

            Instant bucket = Instant.now().truncatedTo(ChronoUnit.MINUTES);
            String id = publisher.publish(Granularity.TEN_SECONDS, "acme", "signups", Map.of("plan", "pro"), bucket, 1, 1);
            Map<String, Object> delta = graphql.next();
            assertThat((Map<String, Object>) at(delta, "payload", "data", "liveSeries")).containsEntry("kind", "delta")
                    .containsEntry("seq", 2.0).containsEntry("cursor", id)
                    .containsEntry("points", List.of(Map.of("group", List.of(Map.of("dimension", "plan", "value", "pro")),
                            "time", (double) bucket.toEpochMilli(), "value", 2.0, "events", 2.0)));
            Map<String, Object> frame = stream.next();
            assertThat(frame).containsEntry("type", "delta").containsEntry("cursor", id);

            // the client ends the subscription: the next update, which one flush hands to both subscribers of
            // this live query, reaches the stream client only; the GraphQL client's next frame is its next answer
            graphql.send(Map.of("type", "complete", "id", "live"));
            String next = publisher.publish(Granularity.TEN_SECONDS, "acme", "signups", Map.of("plan", "pro"),
                    bucket.plusSeconds(10), 1);
            assertThat(stream.next()).containsEntry("cursor", next);
            graphql.send(Map.of("type", "subscribe", "id", "after", "payload", Map.of("query", "{ metrics { name } }")));
            assertThat(graphql.next()).containsEntry("type", "next").containsEntry("id", "after");
        }
    }

    /** A subscriber sends nothing after subscribing; like /v1/stream, the socket outlives the read-idle timeout. */
    @Test
    void aSubscriptionThatOnlyListensOutlivesTheReadIdleTimeout() throws Exception {
        try (LivePublisher publisher = new LivePublisher(rows, NAMESPACE);
             GraphQLWsClient graphql = GraphQLWsClient.connect(sockets, server.server().getURI(), acme)) {
            graphql.send(Map.of("type", "connection_init"));
            assertThat(graphql.next()).containsEntry("type", "connection_ack");
            graphql.send(Map.of("type", "subscribe", "id", "quiet", "payload", Map.of("query",
                    "subscription { liveSeries(metric: \"visits\") { kind cursor } }")));
            assertThat(graphql.next()).containsEntry("type", "next");
            graphql.poll(Duration.ofSeconds(4)); // twice the read-idle timeout without a frame from the client
            assertThat(graphql.closeReason()).isNull();
            String id = publisher.publish(Granularity.TEN_SECONDS, "acme", "visits", Map.of(),
                    Instant.now().truncatedTo(ChronoUnit.MINUTES), 1);
            assertThat((String) at(graphql.next(), "payload", "data", "liveSeries", "cursor")).isEqualTo(id);
        }
    }

    @Test
    void protocolViolationsCloseWithTheProtocolsCodes() throws Exception {
        try (GraphQLWsClient client = GraphQLWsClient.connect(sockets, server.server().getURI(), acme)) {
            client.send(Map.of("type", "subscribe", "id", "1", "payload", Map.of("query", "{ metrics { name } }")));
            await().atMost(Duration.ofSeconds(5)).until(() -> client.closeReason() != null);
            assertThat(client.closeReason().getCode()).isEqualTo(4401);
        }
        try (GraphQLWsClient client = GraphQLWsClient.connect(sockets, server.server().getURI(), acme)) {
            client.send(Map.of("type", "connection_init"));
            assertThat(client.next()).containsEntry("type", "connection_ack");
            client.send(Map.of("type", "connection_init"));
            await().atMost(Duration.ofSeconds(5)).until(() -> client.closeReason() != null);
            assertThat(client.closeReason().getCode()).isEqualTo(4429);
        }
    }

    @Test
    void graphiqlIsServedInTheDevEnvironmentOnly() {
        assertThatThrownBy(() -> http.toBlocking().retrieve(HttpRequest.GET("/graphiql").bearerAuth(acme)))
                .isInstanceOfSatisfying(HttpClientResponseException.class,
                        // no such route, which the security filter refuses before routing
                        e -> assertThat(e.getStatus().getCode()).isIn(403, 404));
        try (EmbeddedServer dev = ApplicationContext.run(EmbeddedServer.class,
                ServingProperties.forDatabase(server.url(), Map.of("pulse.schema.manage", false)), "dev");
             HttpClient client = dev.getApplicationContext().createBean(HttpClient.class, dev.getURL())) {
            assertThat(client.toBlocking().retrieve("/graphiql")).containsIgnoringCase("graphiql");
        }
    }
}
