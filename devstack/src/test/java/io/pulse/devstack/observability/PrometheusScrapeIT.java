package io.pulse.devstack.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pulse.devstack.services.FreePorts;
import io.pulse.devstack.testing.DevstackProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's package) scrapes the running devstack (serving-api and the rollup job's
 * MiniCluster), the machine's RabbitMQ (its rabbitmq_prometheus plugin) and Debian's PostgreSQL and
 * Redis exporters pointed at the devstack's own database and Redis, with the project's alert rules
 * loaded. Every metric name the Grafana dashboards and the alert rules read must be in what it scraped,
 * and every rule must evaluate without error.
 */
class PrometheusScrapeIT {

    private static final String AMQP_URI = env("PULSE_TEST_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672");
    /** The RabbitMQ the devstack uses serves its metrics here (rabbitmq-plugins enable rabbitmq_prometheus). */
    private static final String RABBITMQ_METRICS = env("PULSE_TEST_RABBITMQ_METRICS", "127.0.0.1:15692");
    private static final Pattern URL = Pattern.compile("http://([^/\\s]+)(/\\S*)");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void everyMetricTheDashboardsAndAlertsReadIsScraped() throws Exception {
        List<Process> started = new ArrayList<>();
        try (DevstackProcess devstack = DevstackProcess.start(Map.of("PULSE_AMQP_URI", AMQP_URI), "--data-dir",
                work.resolve("data").toString(), "--port", "0", "--flink-ui-port", "0", "--events-per-second", "60")) {
            devstack.awaitReady(Duration.ofMinutes(3));
            List<String[]> pulse = new ArrayList<>(); // host:port and path of serving-api's and the job's endpoints
            Matcher metrics = URL.matcher(devstack.bannerLine("Metrics").orElseThrow());
            while (metrics.find()) {
                pulse.add(new String[] {metrics.group(1), metrics.group(2)});
            }
            assertThat(pulse).as("serving-api's and the rollup job's endpoints in the banner").hasSize(2);

            URI postgres = URI.create(devstack.address("PostgreSQL").substring("jdbc:".length()));
            URI redis = URI.create(devstack.address("Redis"));
            int postgresExporter = FreePorts.any();
            started.add(exporter(List.of("prometheus-postgres-exporter", "--web.listen-address=127.0.0.1:" + postgresExporter),
                    Map.of("DATA_SOURCE_NAME", "postgresql://postgres@127.0.0.1:" + postgres.getPort() + "/pulse?sslmode=disable")));
            int redisExporter = FreePorts.any();
            started.add(exporter(List.of("prometheus-redis-exporter", "-web.listen-address", "127.0.0.1:" + redisExporter,
                    "-redis.addr", "redis://127.0.0.1:" + redis.getPort()), Map.of()));

            int port = FreePorts.any();
            Path config = work.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 2s
                      evaluation_interval: 2s
                    rule_files:
                      - %s
                    scrape_configs:
                      - job_name: serving-api
                        metrics_path: %s
                        static_configs: [{targets: ['%s']}]
                      - job_name: flink
                        metrics_path: %s
                        static_configs: [{targets: ['%s']}]
                      - job_name: rabbitmq
                        static_configs: [{targets: ['%s']}]
                      - job_name: postgres
                        static_configs: [{targets: ['127.0.0.1:%d']}]
                      - job_name: redis
                        static_configs: [{targets: ['127.0.0.1:%d']}]
                    """.formatted(PromQlMetricNames.ruleFiles().get(0).toAbsolutePath(), pulse.get(0)[1], pulse.get(0)[0],
                    pulse.get(1)[1], pulse.get(1)[0], RABBITMQ_METRICS, postgresExporter, redisExporter));
            started.add(exporter(List.of("prometheus", "--config.file=" + config, "--storage.tsdb.path=" + work.resolve("tsdb"),
                    "--web.listen-address=127.0.0.1:" + port), Map.of()));
            String api = "http://127.0.0.1:" + port + "/api/v1/";

            boolean allUp = poll(Duration.ofMinutes(2), () -> {
                JsonNode targets = get(api + "targets").path("data").path("activeTargets");
                if (targets.size() < 5) {
                    return false;
                }
                for (JsonNode target : targets) {
                    if (!target.path("health").asText().equals("up")) {
                        return false;
                    }
                }
                return true;
            });
            assertThat(allUp).as("every target up: %s", get(api + "targets").path("data").path("activeTargets")).isTrue();
            Set<String> scraped = new TreeSet<>();
            // names appear as their first samples are scraped (the job's after its first checkpoint, say)
            poll(Duration.ofMinutes(2), () -> {
                scraped.clear();
                get(api + "label/__name__/values").path("data").forEach(name -> scraped.add(name.asText()));
                return scraped.containsAll(PromQlMetricNames.usedByDashboardsAndRules());
            });
            Set<String> missing = new TreeSet<>(PromQlMetricNames.usedByDashboardsAndRules());
            missing.removeAll(scraped);
            assertThat(missing).as("names the dashboards and rules read that no target exports").isEmpty();

            List<String> failing = new ArrayList<>();
            for (JsonNode group : get(api + "rules").path("data").path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    if (!rule.path("health").asText().equals("ok")) {
                        failing.add(rule.path("name").asText() + ": " + rule.path("lastError").asText());
                    }
                }
            }
            assertThat(failing).as("rules that failed to evaluate").isEmpty();
        } finally {
            for (Process process : started) {
                process.destroy();
            }
        }
    }

    private Process exporter(List<String> command, Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve(command.get(0) + ".log").toFile());
        builder.environment().putAll(environment);
        return builder.start();
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    /** Polls {@code check} until it holds (true) or {@code timeout} passed (false). */
    private static boolean poll(Duration timeout, Check check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (check.holds()) {
                    return true;
                }
            } catch (IOException e) {
                // Prometheus still starting
            }
            Thread.sleep(500);
        }
        return false;
    }

    private static JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
