package io.pulse.serving.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.websocket.WebSocketClient;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.pulse.contracts.amqp.EventTopology;
import io.pulse.contracts.schema.Migrations;
import io.pulse.contracts.testing.IdentityProvider;
import io.pulse.contracts.testing.TestServices;
import io.pulse.serving.testing.ServingProperties;
import io.pulse.serving.testing.StreamClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Traces on a real server with real PostgreSQL, Redis and RabbitMQ, spans caught by an in-memory exporter:
 * requests, their database and Redis calls, WebSocket messages, and the trace context an ingest request
 * hands to the rollup job in its AMQP messages.
 */
class TracingIT {

    private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
    private static final EventTopology TOPOLOGY = new EventTopology(TestServices.uniqueName("tracing-it"), 1);
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static String url;
    private static ApplicationContext context;
    private static EmbeddedServer server;
    private static HttpClient http;
    private static String token;

    @BeforeAll
    static void start() {
        url = TestServices.postgres().createDatabase("pulse_tracing");
        Migrations.apply(url, TestServices.postgres().user(), TestServices.postgres().password());
        context = ApplicationContext.builder().properties(ServingProperties.forDatabase(url, Map.of(
                        "pulse.amqp.uri", TestServices.amqpUri(), "pulse.amqp.exchange", TOPOLOGY.exchange(),
                        "pulse.amqp.shards", TOPOLOGY.shards())))
                .singletons(SimpleSpanProcessor.create(SPANS)).start();
        server = context.getBean(EmbeddedServer.class).start();
        http = context.createBean(HttpClient.class, server.getURL());
        token = IdentityProvider.shared().token("tracing-client", "acme", "admin");
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        context.close();
        TestServices.postgres().dropDatabase(url);
        try (Connection amqp = amqp(); Channel channel = amqp.createChannel()) {
            channel.queueDelete(TOPOLOGY.queue(0));
            channel.exchangeDelete(TOPOLOGY.exchange());
        }
    }

    @Test
    void anIngestRequestsTraceContinuesInTheAmqpMessagesItPublishes() throws Exception {
        String body = "[{\"metric\":\"latency\",\"timestamp\":" + System.currentTimeMillis() + ",\"value\":1}]";
        http.toBlocking().exchange(HttpRequest.POST("/v1/events", body).contentType(MediaType.APPLICATION_JSON)
                .bearerAuth(token).header("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01"));

        GetResponse message;
        try (Connection amqp = amqp(); Channel channel = amqp.createChannel()) {
            message = channel.basicGet(TOPOLOGY.queue(0), true);
        }
        assertThat(message).as("the published message").isNotNull();
        String traceparent = String.valueOf(message.getProps().getHeaders().get("traceparent"));
        assertThat(traceparent).startsWith("00-" + TRACE_ID + "-");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<SpanData> trace = trace(TRACE_ID);
            SpanData request = only(trace, SpanKind.SERVER);
            SpanData publish = only(trace, SpanKind.PRODUCER);
            assertThat(request.getName()).isEqualTo("POST /v1/events");
            assertThat(publish.getParentSpanId()).as("published within the request").isEqualTo(request.getSpanId());
            assertThat(traceparent).as("the message carries the publishing span")
                    .isEqualTo("00-" + TRACE_ID + "-" + publish.getSpanId() + "-01");
        });
    }

    @Test
    void aQuerysDatabaseAndRedisCallsAreSpansOfItsRequest() {
        String traceId = "0af7651916cd43dd8448eb211c80319c";
        Instant to = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        http.toBlocking().exchange(HttpRequest.GET("/v2/metrics/traced/series?from=" + to.minusSeconds(3600) + "&to=" + to)
                .bearerAuth(token).header("traceparent", "00-" + traceId + "-b7ad6b7169203331-01"), String.class);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<SpanData> trace = trace(traceId);
            assertThat(only(trace, SpanKind.SERVER).getName()).isEqualTo("GET /v2/metrics/{metric}/series");
            assertThat(trace).extracting(span -> span.getAttributes().get(AttributeKey.stringKey("db.system")))
                    .contains("postgresql", "redis");
        });
    }

    @Test
    void eachWebSocketMessageIsASpan() throws Exception {
        SPANS.reset();
        try (WebSocketClient sockets = context.createBean(WebSocketClient.class, server.getURI());
             StreamClient stream = StreamClient.connect(sockets, server.getURI(), token)) {
            stream.send(Map.of("type", "subscribe", "id", "s1", "metric", "latency", "aggregate", "count",
                    "granularity", "1m"));
            assertThat(stream.next()).isNotNull(); // its answer, whatever it is
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(SPANS.getFinishedSpanItems())
                .anyMatch(span -> span.getName().equals("websocket stream receive") && span.getKind() == SpanKind.SERVER));
    }

    private static List<SpanData> trace(String traceId) {
        return SPANS.getFinishedSpanItems().stream().filter(span -> span.getTraceId().equals(traceId)).toList();
    }

    private static SpanData only(List<SpanData> spans, SpanKind kind) {
        List<SpanData> ofKind = spans.stream().filter(span -> span.getKind() == kind).toList();
        assertThat(ofKind).as("%s spans of %s", kind, spans).hasSize(1);
        return ofKind.get(0);
    }

    private static Connection amqp() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(TestServices.amqpUri());
        return factory.newConnection();
    }
}
