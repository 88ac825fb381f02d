package io.pulse.devstack.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.pulse.contracts.amqp.EventTopology;
import io.pulse.devstack.testing.DevstackProcess;
import io.pulse.devstack.testing.PulseApi;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Operations view against the devstack's rollup job (its MiniCluster, through Flink's REST API) and
 * the machine's RabbitMQ (through its management API): its numbers follow what really happens. Stopping
 * the job leaves a queue filling up with no consumer; the next start resumes the job from its checkpoint
 * and the queue drains.
 */
class OperationsIT {

    private static final String AMQP_URI = System.getenv().getOrDefault("PULSE_TEST_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672");
    private static final String JOB = "pulse-rollups (devstack)";
    /** The devstack's topology: two shards of the default exchange. */
    private static final EventTopology TOPOLOGY = new EventTopology(EventTopology.DEFAULT.exchange(), 2);
    private static final int BACKLOG = 500;

    @TempDir
    Path data;

    @Test
    void queueDepthRisesWhileTheJobIsStoppedAndFallsWhenItResumes() throws Exception {
        String shard0 = TOPOLOGY.queue(0);
        try (DevstackProcess devstack = start()) {
            PulseApi ops = api(devstack, "acme-ops");
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                Map<String, Object> view = ops.get("/v2/operations");
                assertThat(source(view, "flink")).containsEntry("available", true);
                assertThat(source(view, "rabbitmq")).containsEntry("available", true);
                Map<String, Object> job = job(view);
                assertThat(job).containsEntry("status", "RUNNING");
                assertThat(job.get("lastCheckpoint")).as("a completed checkpoint").isNotNull();
                List<Map<String, Object>> operators = list(job, "operators");
                assertThat(operators).extracting(operator -> operator.get("name").toString())
                        .anyMatch(name -> name.contains("Parse and validate"));
                assertThat(operators).anyMatch(operator -> ((Number) operator.get("recordsInPerSecond")).doubleValue() > 0);
                assertThat(queue(view, shard0)).containsEntry("consumers", 1);
            });
            assertThatThrownBy(() -> api(devstack, "acme-viewer").get("/v2/operations"))
                    .hasMessageContaining("answered 403");

            String jobId = (String) job(ops.get("/v2/operations")).get("id");
            cancel(devstack.address("Flink web UI"), jobId);
            publish(shard0, BACKLOG);
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                Map<String, Object> view = ops.get("/v2/operations");
                // the devstack's MiniCluster ends with its job: Flink's API is gone, and the view says so
                if ((Boolean) source(view, "flink").get("available")) {
                    assertThat(job(view)).containsEntry("status", "CANCELED");
                } else {
                    assertThat(list(view, "jobs")).isEmpty();
                }
                Map<String, Object> queue = queue(view, shard0);
                assertThat(queue).containsEntry("consumers", 0);
                assertThat(((Number) queue.get("messages")).longValue()).isGreaterThanOrEqualTo(BACKLOG);
            });
        }

        try (DevstackProcess devstack = start()) { // resumes from the job's last checkpoint
            PulseApi ops = api(devstack, "acme-ops");
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                Map<String, Object> view = ops.get("/v2/operations");
                assertThat(job(view)).containsEntry("status", "RUNNING");
                Map<String, Object> queue = queue(view, shard0);
                assertThat(queue).containsEntry("consumers", 1);
                assertThat(((Number) queue.get("messages")).longValue()).isLessThan(BACKLOG / 5);
            });
        }
    }

    private DevstackProcess start() throws Exception {
        DevstackProcess devstack = DevstackProcess.start(Map.of("PULSE_AMQP_URI", AMQP_URI), "--data-dir", data.toString(),
                "--port", "0", "--flink-ui-port", "0", "--events-per-second", "30");
        devstack.awaitReady(Duration.ofMinutes(3));
        return devstack;
    }

    private static PulseApi api(DevstackProcess devstack, String client) throws Exception {
        String line = devstack.bannerLine("API token").orElseThrow();
        return new PulseApi(devstack.address("API"), PulseApi.clientToken(line.substring(line.lastIndexOf(' ') + 1), client));
    }

    /** Cancels the job through Flink's REST API, as an operator would from its web UI. */
    private static void cancel(String flink, String jobId) throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(flink + "/jobs/" + jobId + "?mode=cancel")).method("PATCH", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
    }

    /** Publishes {@code count} valid messages of tenant acme to the shard's queue, as a producer would. */
    private static void publish(String queue, int count) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(AMQP_URI);
        try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            for (int i = 0; i < count; i++) {
                long now = System.currentTimeMillis();
                String body = "[{\"metric\":\"operations.test\",\"timestamp\":" + now + ",\"value\":1}]";
                channel.basicPublish(TOPOLOGY.exchange(), TOPOLOGY.routingKey("acme", 0), new AMQP.BasicProperties.Builder()
                        .correlationId(UUID.randomUUID().toString()).contentType("application/json").deliveryMode(2)
                        .timestamp(new Date(now)).build(), body.getBytes(StandardCharsets.UTF_8));
            }
            channel.waitForConfirmsOrDie(30_000);
        }
        assertThat(TOPOLOGY.queue(0)).isEqualTo(queue);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> source(Map<String, Object> view, String name) {
        return (Map<String, Object>) view.get(name);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> map, String key) {
        return (List<Map<String, Object>>) map.get(key);
    }

    /** The devstack's job, newest run first. */
    private static Map<String, Object> job(Map<String, Object> view) {
        return list(view, "jobs").stream().filter(job -> JOB.equals(job.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no job " + JOB + " in " + view));
    }

    private static Map<String, Object> queue(Map<String, Object> view, String name) {
        return list(view, "queues").stream().filter(queue -> name.equals(queue.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no queue " + name + " in " + view));
    }
}
