package io.pulse.serving.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pulse.contracts.amqp.EventTopology;
import io.pulse.contracts.schema.Migrations;
import io.pulse.contracts.testing.IdentityProvider;
import io.pulse.contracts.testing.TestServices;
import io.pulse.serving.apikeys.ApiKeyAuthenticationFetcher;
import io.pulse.serving.testing.ServingProperties;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP ingest against a real RabbitMQ: what is confirmed is on the shard queues, nothing else. */
class IngestIT {

    private static final Argument<Map<String, Object>> JSON = Argument.mapOf(String.class, Object.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final EventTopology TOPOLOGY = new EventTopology(TestServices.uniqueName("ingest-it"), 2);
    private static String url;
    private static EmbeddedServer server;
    private static HttpClient client;
    private static Connection amqp;
    private static String acme;

    @BeforeAll
    static void start() throws Exception {
        url = TestServices.postgres().createDatabase("pulse_ingest");
        Migrations.apply(url, TestServices.postgres().user(), TestServices.postgres().password());
        server = ApplicationContext.run(EmbeddedServer.class, ServingProperties.forDatabase(url, Map.of(
                "pulse.amqp.uri", TestServices.amqpUri(), "pulse.amqp.exchange", TOPOLOGY.exchange(),
                "pulse.amqp.shards", TOPOLOGY.shards(), "pulse.amqp.events-per-message", 2,
                "micronaut.server.max-request-size", 4096)));
        client = server.getApplicationContext().createBean(HttpClient.class, server.getURL());
        acme = IdentityProvider.shared().token("ingest-client", "acme", "admin");
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(TestServices.amqpUri());
        amqp = factory.newConnection();
        try (Channel channel = amqp.createChannel()) {
            TOPOLOGY.declare(channel);
        }
    }

    @BeforeEach
    void emptyQueues() throws Exception {
        drain();
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        server.close();
        try (Channel channel = amqp.createChannel()) {
            for (String queue : TOPOLOGY.queues()) {
                channel.queueDelete(queue);
            }
            channel.exchangeDelete(TOPOLOGY.exchange());
        }
        amqp.close();
        TestServices.postgres().dropDatabase(url);
    }

    /** Every message now on the shard queues: correlation id and the events it carries. */
    private static Map<String, List<JsonNode>> drain() throws Exception {
        Map<String, List<JsonNode>> messages = new java.util.HashMap<>();
        try (Channel channel = amqp.createChannel()) {
            for (String queue : TOPOLOGY.queues()) {
                GetResponse response;
                while ((response = channel.basicGet(queue, true)) != null) {
                    List<JsonNode> events = new ArrayList<>();
                    MAPPER.readTree(response.getBody()).forEach(events::add);
                    messages.put(response.getProps().getCorrelationId(), events);
                }
            }
        }
        return messages;
    }

    private static HttpResponse<Map<String, Object>> post(String body, String contentType, String token) {
        MutableHttpRequest<String> request = HttpRequest.POST("/v1/events", body).contentType(contentType);
        if (token != null) {
            request.bearerAuth(token);
        }
        return exchange(request);
    }

    private static HttpResponse<Map<String, Object>> exchange(MutableHttpRequest<?> request) {
        try {
            return client.toBlocking().exchange(request, JSON);
        } catch (HttpClientResponseException e) {
            return HttpResponse.status(e.getStatus()).body(e.getResponse().getBody(JSON).orElse(Map.of()));
        }
    }

    private static String event(String tenant, double value) {
        return "{" + (tenant == null ? "" : "\"tenant\":\"" + tenant + "\",") + "\"metric\":\"latency\",\"timestamp\":"
                + System.currentTimeMillis() + ",\"value\":" + value + ",\"dimensions\":{\"region\":\"eu\"}}";
    }

    @Test
    void acceptsTheValidEventsOfABatchAfterTheBrokerConfirmedAndReturnsTheRejects() throws Exception {
        String body = "[" + event(null, 1) + "," + event("acme", 2) + "," + event("globex", 3) + ","
                + "{\"metric\":\"latency\",\"timestamp\":1,\"value\":4}," + event(null, 5) + "," + event(null, 6) + "]";
        HttpResponse<Map<String, Object>> response = post(body, "application/json", acme);

        assertThat(response.getStatus().getCode()).isEqualTo(202);
        assertThat(response.body()).containsEntry("accepted", 4);
        assertThat((List<Map<String, Object>>) response.body().get("rejected"))
                .extracting(r -> r.get("index") + ":" + r.get("reason"))
                .containsExactly("2:tenant-mismatch", "3:timestamp-too-old");
        Map<String, List<JsonNode>> messages = drain();
        assertThat(messages).hasSize(2); // 4 events, 2 per message, each message its own correlation id
        Set<Double> values = new HashSet<>();
        messages.values().forEach(events -> events.forEach(e -> {
            assertThat(e.get("tenant").asText()).isEqualTo("acme");
            values.add(e.get("value").asDouble());
        }));
        assertThat(values).containsExactlyInAnyOrder(1.0, 2.0, 5.0, 6.0);
    }

    @Test
    @SuppressWarnings("unchecked")
    void anIngestOnlyApiKeySendsItsTenantsEventsUntilRevoked() throws Exception {
        Map<String, Object> created = exchange(HttpRequest.POST("/v2/api-keys",
                Map.of("name", "collector", "permissions", List.of("events:write"))).bearerAuth(acme)).body();
        String key = (String) created.get("key");
        MutableHttpRequest<String> send = HttpRequest.POST("/v1/events", "[" + event(null, 1) + "," + event("globex", 2)
                + "]").contentType("application/json").header(ApiKeyAuthenticationFetcher.HEADER, key);
        HttpResponse<Map<String, Object>> response = exchange(send);
        assertThat(response.getStatus().getCode()).isEqualTo(202);
        assertThat((List<Map<String, Object>>) response.body().get("rejected")).singleElement()
                .satisfies(r -> assertThat(r).containsEntry("reason", "tenant-mismatch"));
        assertThat(drain().values()).singleElement().satisfies(events -> assertThat(events).singleElement()
                .satisfies(e -> assertThat(e.get("tenant").asText()).isEqualTo("acme")));

        Object id = ((Map<String, Object>) created.get("apiKey")).get("id");
        assertThat(exchange(HttpRequest.DELETE("/v2/api-keys/" + id).bearerAuth(acme)).getStatus().getCode())
                .isEqualTo(204);
        assertThat(exchange(send).getStatus().getCode()).isEqualTo(401);
        assertThat(drain()).isEmpty();
    }

    @Test
    void readsNdjsonAndNumbersRejectsByLine() throws Exception {
        String body = event(null, 1) + "\n" + "not json" + "\n\n" + event(null, 2) + "\n";
        HttpResponse<Map<String, Object>> response = post(body, IngestController.NDJSON, acme);
        assertThat(response.getStatus().getCode()).isEqualTo(202);
        assertThat(response.body()).containsEntry("accepted", 2);
        assertThat((List<Map<String, Object>>) response.body().get("rejected")).singleElement()
                .satisfies(r -> assertThat(r).containsEntry("index", 1).containsEntry("reason", "malformed-json"));
        assertThat(drain().values().stream().mapToInt(List::size).sum()).isEqualTo(2);
    }

    @Test
    void refusesWhatCannotBeTakenAndPublishesNothing() throws Exception {
        HttpResponse<Map<String, Object>> allBad = post("[" + event("globex", 1) + "]", "application/json", acme);
        assertThat(allBad.getStatus().getCode()).isEqualTo(400);
        assertThat(post("x".repeat(5000), "application/json", acme).getStatus().getCode()).isEqualTo(413);
        assertThat(post(event(null, 1), "application/json", null).getStatus().getCode()).isEqualTo(401);
        assertThat(drain()).isEmpty();
    }

    private static HttpResponse<Map<String, Object>> postBytes(byte[] body, String contentType) {
        return exchange(HttpRequest.POST("/v1/events", body).contentType(contentType).bearerAuth(acme));
    }

    private static byte[] concat(String before, byte[] raw, String after) {
        byte[] head = before.getBytes(StandardCharsets.UTF_8);
        byte[] tail = after.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + raw.length + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(raw, 0, out, head.length, raw.length);
        System.arraycopy(tail, 0, out, head.length + raw.length, tail.length);
        return out;
    }

    /** Issue 9, case 7: text that is not valid Unicode is refused with a reason, never altered and published. */
    @Test
    @SuppressWarnings("unchecked")
    void textThatIsNotValidUnicodeIsRefusedNeverAltered() throws Exception {
        String open = "{\"metric\":\"latency\",\"timestamp\":" + System.currentTimeMillis()
                + ",\"value\":1,\"dimensions\":{\"region\":\"e";
        byte[] ndjson = concat(event(null, 1) + "\n" + open, new byte[] {(byte) 0xff, (byte) 0xfe}, "\"}}\n" + event(null, 2));
        HttpResponse<Map<String, Object>> lines = postBytes(ndjson, IngestController.NDJSON);
        assertThat(lines.getStatus().getCode()).isEqualTo(202);
        assertThat(lines.body()).containsEntry("accepted", 2);
        assertThat((List<Map<String, Object>>) lines.body().get("rejected")).singleElement()
                .satisfies(r -> assertThat(r).containsEntry("index", 1).containsEntry("reason", "invalid-encoding"));
        assertThat(drain().values().stream().flatMap(List::stream).map(e -> e.get("dimensions").get("region").asText()))
                .containsOnly("eu");

        HttpResponse<Map<String, Object>> overlong = postBytes(concat(open, new byte[] {(byte) 0xc0, (byte) 0xaf}, "\"}}"),
                "application/json");
        assertThat(overlong.getStatus().getCode()).isEqualTo(400);
        assertThat((List<Map<String, Object>>) overlong.body().get("rejected")).singleElement()
                .satisfies(r -> assertThat(r).containsEntry("reason", "invalid-encoding"));

        HttpResponse<Map<String, Object>> surrogate = post("[" + open + "\\ud800\"}}," + event(null, 3) + "]",
                "application/json", acme);
        assertThat(surrogate.getStatus().getCode()).isEqualTo(202);
        assertThat((List<Map<String, Object>>) surrogate.body().get("rejected")).singleElement()
                .satisfies(r -> assertThat(r).containsEntry("index", 0).containsEntry("reason", "invalid-encoding"));
        assertThat(drain().values().stream().flatMap(List::stream).map(e -> e.get("value").asDouble())).containsExactly(3.0);
    }

    /** Issue 10, fault 12: a body of many bad elements got an answer far larger than itself, and parse errors quoted it. */
    @Test
    @SuppressWarnings("unchecked")
    void errorAnswersAreBoundedAndNeverQuoteTheInput() throws Exception {
        int elements = 1_300;
        String body = "[" + String.join(",", java.util.Collections.nCopies(elements, "{}")) + "]";
        HttpResponse<String> response;
        try {
            response = client.toBlocking().exchange(HttpRequest.POST("/v1/events", body)
                    .contentType("application/json").bearerAuth(acme), String.class);
        } catch (HttpClientResponseException e) {
            response = (HttpResponse<String>) e.getResponse();
        }
        assertThat(response.getStatus().getCode()).isEqualTo(400);
        String answer = response.getBody(String.class).orElseThrow();
        assertThat(answer.length()).as("answer size").isLessThan(body.length() * 3);
        Map<String, Object> result = MAPPER.readValue(answer, Map.class);
        assertThat((List<?>) result.get("rejected")).hasSize(100);
        assertThat(result).containsEntry("rejectedCount", elements)
                .containsEntry("rejectedByReason", Map.of("missing-field", elements));

        HttpResponse<Map<String, Object>> token = post("pwned_token_XYZ123", "application/json", acme);
        assertThat(token.getStatus().getCode()).isEqualTo(400);
        assertThat(MAPPER.writeValueAsString(token.body())).contains("malformed-json").doesNotContain("pwned");
        assertThat(drain()).isEmpty();
    }
}
