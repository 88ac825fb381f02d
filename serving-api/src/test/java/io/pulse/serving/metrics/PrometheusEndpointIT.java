package io.pulse.serving.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.pulse.contracts.amqp.EventTopology;
import io.pulse.contracts.schema.Migrations;
import io.pulse.contracts.testing.TestServices;
import io.pulse.serving.testing.TestServer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The scrape endpoint on a real server: anonymous, our meters move with what callers do, and request
 * latency is labelled by route template, never by the raw path a caller sent.
 */
class PrometheusEndpointIT {

    private static final EventTopology TOPOLOGY = new EventTopology(TestServices.uniqueName("metrics-it"), 2);

    @Test
    void theScrapeCountsIngestOutcomesAndTimesRequestsByRouteTemplate() throws Exception {
        try (TestServer server = TestServer.start("pulse_metrics", Map.of("pulse.amqp.uri", TestServices.amqpUri(),
                "pulse.amqp.exchange", TOPOLOGY.exchange(), "pulse.amqp.shards", TOPOLOGY.shards()))) {
            Migrations.apply(server.url(), TestServices.postgres().user(), TestServices.postgres().password());
            String before = scrape(server);
            String token = server.token("metrics-client", "acme", "admin");
            long now = System.currentTimeMillis();
            String good = "{\"metric\":\"latency\",\"timestamp\":" + now + ",\"value\":1}";
            String body = "[" + good + "," + good + ",{\"metric\":\"latency\",\"timestamp\":" + now + ",\"value\":\"x\"}]";
            HttpResponse<String> ingest = server.http().toBlocking().exchange(HttpRequest.POST("/v1/events", body)
                    .contentType(MediaType.APPLICATION_JSON).bearerAuth(token), String.class);
            assertThat(ingest.code()).isEqualTo(202);
            String metric = "m" + UUID.randomUUID().toString().replace("-", "");
            Instant to = Instant.now().truncatedTo(ChronoUnit.MINUTES);
            HttpResponse<String> series = server.http().toBlocking().exchange(HttpRequest.GET("/v2/metrics/" + metric
                    + "/series?from=" + to.minusSeconds(3600) + "&to=" + to).bearerAuth(token), String.class);
            assertThat(series.code()).isEqualTo(200);

            String after = scrape(server);
            String accepted = "pulse_ingest_events_total{outcome=\"accepted\",reason=\"none\"}";
            String invalidType = "pulse_ingest_events_total{outcome=\"rejected\",reason=\"invalid_type\"}";
            assertThat(value(after, accepted) - value(before, accepted)).isEqualTo(2);
            assertThat(value(after, invalidType) - value(before, invalidType)).isEqualTo(1);
            assertThat(value(before, "pulse_ingest_events_total{outcome=\"rejected\",reason=\"malformed_json\"}"))
                    .as("every reason is there before its first rejection").isZero();

            assertThat(after).containsPattern("http_server_requests_seconds_bucket\\{[^}]*status=\"200\"[^}]*uri=\"/v2/metrics/\\{metric}/series")
                    .containsPattern("http_server_requests_seconds_bucket\\{[^}]*uri=\"/v1/events\",le=\"0.25\"}")
                    .containsPattern("http_server_requests_seconds_count\\{[^}]*status=\"202\"[^}]*uri=\"/v1/events\"")
                    .doesNotContain(metric);
            String seriesMiss = "pulse_cache_requests_total{cache=\"series\",result=\"miss\"}";
            assertThat(value(after, seriesMiss) - value(before, seriesMiss)).isEqualTo(1);
            assertThat(after).contains("pulse_websocket_connections{endpoint=\"stream\"}",
                    "pulse_websocket_connections{endpoint=\"graphql\"}", "pulse_websocket_subscriptions",
                    "pulse_websocket_closed_total{reason=\"slow_consumer\"}", "pulse_cache_requests_total{cache=\"series\"",
                    "pulse_rate_limit_rejections_total{limit=\"caller\"}", "jvm_memory_used_bytes",
                    "hikaricp_connections_active");
        } finally {
            deleteTopology();
        }
    }

    private static String scrape(TestServer server) {
        HttpResponse<String> scrape = server.http().toBlocking().exchange(HttpRequest.GET("/prometheus"), String.class);
        assertThat(scrape.code()).as("anonymous scrape").isEqualTo(200);
        return scrape.body();
    }

    /** The sample's value, 0 when the series is absent. */
    private static double value(String scrape, String series) {
        Matcher sample = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        return sample.find() ? Double.parseDouble(sample.group(1)) : 0;
    }

    private static void deleteTopology() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(TestServices.amqpUri());
        try (Connection amqp = factory.newConnection(); Channel channel = amqp.createChannel()) {
            for (String queue : TOPOLOGY.queues()) {
                channel.queueDelete(queue);
            }
            channel.exchangeDelete(TOPOLOGY.exchange());
        }
    }
}
