package io.pulse.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.testing.IdentityProvider;
import io.pulse.contracts.testing.TestServices;
import io.pulse.rollup.RollupJob;
import io.pulse.rollup.RollupJobConfig;
import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * The whole platform in one JVM: events posted to serving-api over HTTP go through RabbitMQ and the
 * rollup job (on a local MiniCluster) into PostgreSQL and Redis, and come back from the query API and
 * the live stream with the values computed independently here.
 */
class RoundTripIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Argument<Map<String, Object>> OBJECT = Argument.mapOf(String.class, Object.class);

    @Test
    void eventsPostedOverHttpComeBackFromTheQueryApiAndTheLiveStream() throws Exception {
        TestServices.Postgres postgres = TestServices.postgres();
        String url = postgres.createDatabase("pulse_round_trip");
        String namespace = TestServices.uniqueName("round-trip");
        String exchange = TestServices.uniqueName("round-trip");
        RollupJob.prepareDatabase(url, postgres.user(), postgres.password());
        RollupJob job = new RollupJob(RollupJobConfig.fromArgs(new String[] {
            "--amqp-uri", TestServices.amqpUri(), "--exchange", exchange, "--shards", "1",
            "--jdbc-url", url, "--jdbc-user", postgres.user(), "--jdbc-password", postgres.password(),
            "--redis-uri", TestServices.redisUri(), "--redis-namespace", namespace,
            "--checkpoint-interval-ms", "300", "--out-of-orderness-ms", "500", "--idleness-ms", "500",
            "--parallelism", "1", "--checkpoint-dir", "file://" + System.getProperty("java.io.tmpdir") + "/" + namespace}));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        job.configure(env);
        job.build(env, job.rabbitMqSources(), job.productionSinks());
        JobClient running = env.executeAsync("round-trip");

        Map<String, Object> properties = new HashMap<>();
        properties.put("datasources.default.url", url);
        properties.put("datasources.default.username", postgres.user());
        properties.put("datasources.default.password", postgres.password());
        properties.put("redis.uri", TestServices.redisUri());
        properties.put("pulse.redis.namespace", namespace);
        properties.put("pulse.amqp.uri", TestServices.amqpUri());
        properties.put("pulse.amqp.exchange", exchange);
        properties.put("pulse.amqp.shards", 1);
        properties.putAll(IdentityProvider.shared().serverProperties());
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, properties);
             HttpClient http = server.getApplicationContext().createBean(HttpClient.class, server.getURL())) {
            String token = IdentityProvider.shared().token("alice", "acme", "admin");
            Instant bucket = Instant.ofEpochMilli(Instant.now().minusSeconds(60).toEpochMilli() / 10_000 * 10_000);

            BlockingQueue<Map<String, Object>> frames = new LinkedBlockingQueue<>();
            WebSocket socket = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                    .header("Authorization", "Bearer " + token)
                    .buildAsync(URI.create(server.getURI().toString().replace("http", "ws") + "/v1/stream"),
                            new Collector(frames)).get(10, TimeUnit.SECONDS);
            socket.sendText(JSON.writeValueAsString(Map.of("type", "subscribe", "sub", "rt", "metric", "checkout",
                    "aggregate", "sum")), true);
            assertThat(frames.poll(10, TimeUnit.SECONDS)).containsEntry("type", "snapshot");

            // 40 good events in one 10 s bucket, two bad ones; then an event 30 s later moves the watermark
            List<Map<String, Object>> events = new ArrayList<>();
            RollupAggregate expected = new RollupAggregate();
            for (int i = 0; i < 40; i++) {
                double value = 10 + i * 7.5;
                expected.add(value, "u" + (i % 5));
                events.add(Map.of("metric", "checkout", "timestamp", bucket.toEpochMilli() + i * 200, "value", value,
                        "dimensions", Map.of("region", i % 2 == 0 ? "eu" : "us", "user", "u" + (i % 5))));
            }
            events.add(7, Map.of("metric", "checkout", "timestamp", bucket.toEpochMilli(), "value", "NaN?"));
            events.add(Map.of("metric", "Bad Name", "timestamp", bucket.toEpochMilli(), "value", 1));
            HttpResponse<Map<String, Object>> accepted = http.toBlocking().exchange(
                    HttpRequest.POST("/v1/events", events).bearerAuth(token), OBJECT);
            assertThat(accepted.code()).isEqualTo(202);
            assertThat(accepted.body().toString()).contains("index=7").contains("index=41");
            http.toBlocking().exchange(HttpRequest.POST("/v1/events", Map.of("metric", "clock",
                    "timestamp", bucket.plusSeconds(30).toEpochMilli(), "value", 1)).bearerAuth(token), OBJECT);

            String series = "/v1/metrics/checkout/series?from=" + bucket + "&to=" + bucket.plusSeconds(10)
                    + "&step=10s&aggregate=";
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(points(http, series + "count", token))
                    .containsExactly(Map.of("time", bucket.toEpochMilli(), "value", 40.0)));
            assertThat(points(http, series + "sum", token)).containsExactly(
                    Map.of("time", bucket.toEpochMilli(), "value", expected.sum()));
            assertThat(points(http, series + "p99", token)).containsExactly(
                    Map.of("time", bucket.toEpochMilli(), "value", expected.quantile(0.99)));
            assertThat(points(http, series + "distinct", token)).containsExactly(
                    Map.of("time", bucket.toEpochMilli(), "value", 5.0));

            Map<String, Object> delta = frames.poll(10, TimeUnit.SECONDS);
            assertThat(delta).containsEntry("type", "delta").containsEntry("seq", 2);
            assertThat(delta.get("points")).isEqualTo(List.of(Map.of("group", Map.of(), "time", bucket.toEpochMilli(),
                    "value", expected.sum(), "events", 40)));
            socket.abort();
        } finally {
            running.cancel().get(30, TimeUnit.SECONDS);
            postgres.dropDatabase(url);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> points(HttpClient http, String path, String token) {
        Map<String, Object> answer = http.toBlocking().retrieve(HttpRequest.GET(path).bearerAuth(token), OBJECT);
        List<Map<String, Object>> series = (List<Map<String, Object>>) answer.get("series");
        return series.isEmpty() ? List.of() : (List<Map<String, Object>>) series.get(0).get("points");
    }

    /** Collects the stream's text frames as JSON objects, skipping heartbeats. */
    private record Collector(BlockingQueue<Map<String, Object>> frames) implements WebSocket.Listener {
        @Override
        @SuppressWarnings("unchecked")
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            try {
                Map<String, Object> frame = JSON.readValue(data.toString(), Map.class);
                if (!"heartbeat".equals(frame.get("type"))) {
                    frames.add(frame);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            socket.request(1);
            return null;
        }
    }
}
