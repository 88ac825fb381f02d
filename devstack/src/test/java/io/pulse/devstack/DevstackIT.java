package io.pulse.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.testing.IdentityProvider;
import io.pulse.contracts.testing.TestServices;
import io.pulse.devstack.services.FreePorts;
import io.pulse.devstack.testing.DevstackProcess;
import io.pulse.devstack.testing.PulseApi;
import io.pulse.serving.security.SecurityHeaders;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's run command as a new user meets it: the devstack in its own JVM, with nothing configured
 * (every service embedded), then with the machine's services configured; and started again on the same
 * data folder after kill -9. Events posted over HTTP go through the broker and the rollup job into
 * PostgreSQL and Redis, and come back from the query API and the live stream with the values computed
 * independently here.
 */
class DevstackIT {

    private static final Duration READY = Duration.ofMinutes(3);
    private static final Pattern PORT = Pattern.compile(":(\\d+)");

    @TempDir
    Path data;

    @Test
    void withNothingConfiguredItServesARoundTripAndReleasesEveryPortWhenStopped() throws Exception {
        List<Integer> ports = new ArrayList<>();
        try (DevstackProcess devstack = start()) {
            devstack.awaitReady(READY);
            for (String service : List.of("PostgreSQL", "Redis", "AMQP broker")) {
                assertThat(devstack.bannerLine(service)).get().asString().endsWith("(embedded)");
            }
            for (String label : List.of("API", "Flink web UI", "PostgreSQL", "Redis", "AMQP broker")) {
                ports.add(port(devstack.address(label)));
            }
            ports.add(port(tokenEndpoint(devstack))); // the identity provider
            PulseApi api = new PulseApi(devstack.address("API"), PulseApi.clientToken(tokenEndpoint(devstack), "acme-admin"));

            try (PulseApi.Stream stream = api.stream()) {
                stream.send(Map.of("type", "subscribe", "sub", "rt", "metric", "checkout", "aggregate", "sum"));
                assertThat(stream.next(Duration.ofSeconds(10))).containsEntry("type", "snapshot");

                Instant bucket = bucketSecondsAgo(60);
                RollupAggregate expected = new RollupAggregate();
                List<Map<String, Object>> events = events("checkout", bucket, 40, expected);
                events.add(7, Map.of("metric", "checkout", "timestamp", bucket.toEpochMilli(), "value", "NaN?"));
                PulseApi.Answer accepted = api.post("/v1/events", events);
                assertThat(accepted.status()).isEqualTo(202);
                assertThat(accepted.body()).contains("\"index\":7");
                moveEventTime(api, bucket);

                String series = seriesPath("checkout", bucket, bucket.plusSeconds(10));
                await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(api.points(series + "count"))
                        .containsExactly(Map.of("time", bucket.toEpochMilli(), "value", 40.0)));
                assertThat(api.points(series + "sum")).containsExactly(Map.of("time", bucket.toEpochMilli(), "value", expected.sum()));
                assertThat(api.points(series + "p99")).containsExactly(
                        Map.of("time", bucket.toEpochMilli(), "value", expected.quantile(0.99)));
                assertThat(api.points(series + "distinct")).containsExactly(Map.of("time", bucket.toEpochMilli(), "value", 5.0));

                Map<String, Object> delta = stream.next(Duration.ofSeconds(20));
                assertThat(delta).containsEntry("type", "delta");
                assertThat(delta.get("points")).isEqualTo(List.of(Map.of("group", Map.of(), "time", bucket.toEpochMilli(),
                        "value", expected.sum(), "events", 40)));
            }

            devstack.stop(Duration.ofMinutes(1));
            assertThat(devstack.console()).contains("Pulse stopped; data kept in " + data);
        }
        // a connection the stopped process closed may hold its port a little longer (FIN_WAIT2), never a listener
        await().atMost(Duration.ofSeconds(70)).untilAsserted(() -> assertThat(ports)
                .allSatisfy(port -> assertThat(FreePorts.isFree(port)).as("port %d released", port).isTrue()));
        // the embedded servers shut down cleanly: each removes its pid file
        assertThat(data.resolve("postgres/postmaster.pid")).doesNotExist();
        assertThat(data.resolve("redis/redis.pid")).doesNotExist();
    }

    @Test
    void aStartAfterKillMinus9KeepsTheRowsAndCountsNothingTwice() throws Exception {
        Instant first = bucketSecondsAgo(60);
        Instant second = first.plusSeconds(10);
        RollupAggregate firstExpected = new RollupAggregate();
        RollupAggregate secondExpected = new RollupAggregate();
        try (DevstackProcess devstack = start()) {
            devstack.awaitReady(READY);
            PulseApi api = new PulseApi(devstack.address("API"), PulseApi.clientToken(tokenEndpoint(devstack), "acme-admin"));
            assertThat(api.post("/v1/events", events("orders", first, 30, firstExpected)).status()).isEqualTo(202);
            moveEventTime(api, first);
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(api.points(seriesPath("orders", first,
                    second) + "count")).containsExactly(Map.of("time", first.toEpochMilli(), "value", 30.0)));
            // accepted (the broker confirmed it), then the process dies before or after a checkpoint took it
            assertThat(api.post("/v1/events", events("orders", second, 20, secondExpected)).status()).isEqualTo(202);
            devstack.kill();
        }
        try (DevstackProcess devstack = start()) {
            devstack.awaitReady(READY);
            assertThat(devstack.console()).anyMatch(line -> line.contains("resumed from checkpoint " + data));
            PulseApi api = new PulseApi(devstack.address("API"), PulseApi.clientToken(tokenEndpoint(devstack), "acme-admin"));
            moveEventTime(api, second);
            String both = seriesPath("orders", first, second.plusSeconds(10));
            await().atMost(Duration.ofSeconds(150)).untilAsserted(() -> assertThat(api.points(both + "count")).containsExactly(
                    Map.of("time", first.toEpochMilli(), "value", 30.0), Map.of("time", second.toEpochMilli(), "value", 20.0)));
            assertThat(api.points(both + "sum")).containsExactly(Map.of("time", first.toEpochMilli(), "value", firstExpected.sum()),
                    Map.of("time", second.toEpochMilli(), "value", secondExpected.sum()));
            devstack.stop(Duration.ofMinutes(1));
        }
    }

    /** In this JVM, so that stopping is measured too (a child's coverage is written before its stop ends). */
    @Test
    void withTheMachinesServicesConfiguredItUsesThemSaysSoAndFreshEmptiesTheDataFolder() throws Exception {
        TestServices.Postgres postgres = TestServices.postgres();
        String url = postgres.createDatabase("pulse_devstack");
        Path stale = Files.writeString(Files.createDirectories(data.resolve("data")).resolve("stale.txt"),
                "left by an earlier start");
        Path dashboard = Files.createDirectories(data.resolve("dashboard-build"));
        Files.writeString(dashboard.resolve("index.html"), "<!doctype html><title>Pulse dashboard build</title>");
        DevstackSettings settings = DevstackSettings.fromArgs(new String[] {"--data-dir", data.resolve("data").toString(),
            "--fresh", "--port", "0", "--flink-ui-port", "0", "--events-per-second", "2000",
            "--dashboard-dir", dashboard.toString()}, Map.of(DevstackSettings.JDBC_URL, url,
                DevstackSettings.JDBC_USER, postgres.user(), DevstackSettings.JDBC_PASSWORD, postgres.password(),
                DevstackSettings.REDIS_URI, TestServices.redisUri(), DevstackSettings.AMQP_URI, TestServices.amqpUri()));
        try (Devstack devstack = Devstack.start(settings)) {
            assertThat(stale).doesNotExist();
            String banner = devstack.banner(1);
            for (String service : List.of("PostgreSQL", "Redis", "AMQP broker")) {
                assertThat(banner).containsPattern("(?m)^  " + service + " .*\\(configured\\)$");
            }
            assertThat(banner).contains("  PostgreSQL       " + url + "  (configured)");
            assertThat(data.resolve("data/postgres")).doesNotExist();
            // the built dashboard is served at /, with the API's security headers
            assertThat(banner).contains("  Dashboard        " + devstack.apiUrl() + "/");
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(devstack.apiUrl() + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("Pulse dashboard build");
            assertThat(page.headers().firstValue("Content-Security-Policy")).contains(SecurityHeaders.STRICT_POLICY);
            // the synthetic traffic reaches the catalog of both demo tenants
            for (String tenant : IdentityProvider.TENANTS) {
                PulseApi api = new PulseApi(devstack.apiUrl(),
                        PulseApi.clientToken(IdentityProvider.shared().tokenEndpoint(), tenant + "-viewer"));
                await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(api.get("/v1/metrics").toString())
                        .contains("checkout.latency_ms", "page.views"));
            }
        } finally {
            postgres.dropDatabase(url);
        }
    }

    private DevstackProcess start() throws Exception {
        return DevstackProcess.start(Map.of(), "--data-dir", data.toString(), "--no-traffic", "--port", "0",
                "--flink-ui-port", "0");
    }

    private static String tokenEndpoint(DevstackProcess devstack) {
        String line = devstack.bannerLine("API token").orElseThrow();
        return line.substring(line.lastIndexOf(' ') + 1);
    }

    private static int port(String address) {
        Matcher match = PORT.matcher(address.replaceFirst("^[a-z]+:", ""));
        assertThat(match.find()).as("a port in %s", address).isTrue();
        return Integer.parseInt(match.group(1));
    }

    private static Instant bucketSecondsAgo(int seconds) {
        return Instant.ofEpochMilli(Instant.now().minusSeconds(seconds).toEpochMilli() / 10_000 * 10_000);
    }

    /** {@code count} events of {@code metric} spread over the 10 s bucket, each also added to {@code expected}. */
    private static List<Map<String, Object>> events(String metric, Instant bucket, int count, RollupAggregate expected) {
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double value = 10 + i * 7.5;
            expected.add(value, "u" + (i % 5));
            events.add(Map.of("metric", metric, "timestamp", bucket.toEpochMilli() + i * 200, "value", value,
                    "dimensions", Map.of("user", "u" + (i % 5))));
        }
        return events;
    }

    /** An event of another metric 30 s after {@code bucket}: event time passes the bucket's end. */
    private static void moveEventTime(PulseApi api, Instant bucket) throws Exception {
        assertThat(api.post("/v1/events", Map.of("metric", "clock", "timestamp", bucket.plusSeconds(30).toEpochMilli(),
                "value", 1)).status()).isEqualTo(202);
    }

    private static String seriesPath(String metric, Instant from, Instant to) {
        return "/v1/metrics/" + metric + "/series?from=" + from + "&to=" + to + "&step=10s&aggregate=";
    }
}
