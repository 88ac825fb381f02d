package io.pulse.devstack.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pulse.devstack.testing.DevstackProcess;
import io.pulse.devstack.testing.PulseApi;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./pulse jobs} against a running devstack, as a data engineer (the {@code ops} role) and as a
 * viewer: validate with a sample, submit two versions, list, history, diff with the upgrade plan, then
 * deploy version 1 to the devstack's MiniCluster, upgrade to version 2 through a savepoint (refused until
 * its plan is confirmed), take a savepoint, stop and resume from it, and backfill a version over the
 * raw event archive.
 */
class JobsCliIT {

    private static final String V1 = """
            name: checkout
            version: 1
            source: { metrics: ["checkout*"] }
            windows: { tumbling: [10s, 1m] }
            aggregates: [count, sum, min, max, mean, quantiles, distinct]
            retention: { 1m: 120d }
            """;

    @TempDir
    Path folder;

    private record Run(int status, String output) { }

    @Test
    void aDataEngineerValidatesSubmitsAndComparesVersions() throws Exception {
        try (DevstackProcess devstack = DevstackProcess.start(Map.of(), "--data-dir", folder.resolve("data").toString(),
                "--port", "0", "--flink-ui-port", "0", "--no-traffic", "--job-jar", DevstackProcess.jobJar().toString())) {
            devstack.awaitReady(Duration.ofMinutes(3));
            String tokens = devstack.bannerLine("API token").orElseThrow();
            String tokenEndpoint = tokens.substring(tokens.lastIndexOf(' ') + 1);
            Map<String, String> engineer = Map.of("PULSE_API", devstack.address("API"),
                    "PULSE_TOKEN", PulseApi.clientToken(tokenEndpoint, "acme-ops"));

            Path invalid = write("invalid.yaml", V1.replace("[10s, 1m]", "[10s, 2m]"));
            Run refused = run(engineer, "validate", invalid.toString());
            assertThat(refused.status()).isEqualTo(1);
            assertThat(refused.output()).startsWith("API: " + devstack.address("API")).contains("invalid:",
                    "/windows/tumbling/1: no rollup table stores 2m windows; stored are 10s, 1m, 1h, 5m-every-10s (unsupported-window)");

            Path v1 = write("v1.yaml", V1 + "series: { maxSeriesPerMetric: 3 }\n");
            StringBuilder sample = new StringBuilder();
            for (int i = 0; i < 5; i++) {
                sample.append("{\"tenant\":\"acme\",\"metric\":\"checkout\",\"timestamp\":").append(i)
                        .append(",\"value\":1,\"dimensions\":{\"region\":\"r").append(i).append("\"}}\n");
            }
            Run validated = run(engineer, "validate", v1.toString(), "--sample", write("sample.ndjson", sample.toString()).toString());
            assertThat(validated.status()).isZero();
            assertThat(validated.output()).contains("valid: checkout version 1", "estimate: 5 series from 5 of 5 sampled events",
                    "warning: tenant acme, metric checkout: 5 series in the sample, past the cap of 3");

            assertThat(run(engineer, "submit", v1.toString())).isEqualTo(new Run(0,
                    "API: " + devstack.address("API") + "\nstored: checkout version 1\n"));
            Path v2 = write("v2.yaml", V1.replace("version: 1", "version: 2").replace("[10s, 1m]", "[10s, 1m, 1h]"));
            assertThat(run(engineer, "submit", v2.toString()).status()).isZero();
            Run again = run(engineer, "submit", v2.toString());
            assertThat(again.status()).isEqualTo(1);
            assertThat(again.output()).contains("refused (409)", "version 2 of checkout must be 3 (the latest stored is 2)");

            assertThat(run(engineer, "list").output()).contains("checkout version 2 by ");
            assertThat(run(engineer, "history", "checkout").output()).containsSubsequence("checkout version 2", "checkout version 1");
            Run diff = run(engineer, "diff", "checkout", "1", "2");
            assertThat(diff.status()).isZero();
            assertThat(diff.output()).contains("checkout: version 1 → 2", "/series: {\"maxSeriesPerMetric\":3} → null",
                    "/windows/tumbling: [\"10s\",\"1m\"] → [\"10s\",\"1m\",\"1h\"]")
                    .containsPattern("rollup-1h +starts-empty +checkout/rollup-1h")
                    .containsPattern("rollup-1m +restored +checkout/rollup-1m");
            assertThat(run(engineer, "schema").output()).contains("\"title\": \"Pulse rollup spec\"");

            // deployments go to the devstack's MiniCluster through Flink's REST API, next to its own job
            String cluster = "Flink cluster: " + devstack.address("Flink web UI");
            Run first = run(engineer, "deploy", "checkout", "1");
            assertThat(first.status()).as(first.output()).isZero();
            assertThat(first.output()).contains(cluster, "plan: not running, so everything starts empty",
                    "running: checkout version 1 as job ");
            assertThat(run(engineer, "deployments").output()).contains(cluster).containsPattern("checkout version 1: job \\w+ RUNNING");
            // the shared 1 min table now keeps rows 120 days, as the spec asks (90 before)
            String jdbcUrl = devstack.bannerLine("PostgreSQL").orElseThrow().replaceAll(".*(jdbc:\\S+).*", "$1");
            try (Connection db = DriverManager.getConnection(jdbcUrl);
                 ResultSet policy = db.createStatement().executeQuery(
                         "SELECT retention::text FROM rollup_table_policy WHERE granularity = '1m'")) {
                assertThat(policy.next()).isTrue();
                assertThat(policy.getString(1)).isEqualTo("120 days");
            }

            Run unconfirmed = run(engineer, "deploy", "checkout", "2");
            assertThat(unconfirmed.status()).isEqualTo(1);
            assertThat(unconfirmed.output()).contains("refused (409)", "deploy again with confirm")
                    .containsPattern("rollup-1h +starts-empty");
            assertThat(run(engineer, "plan", "checkout", "2").output()).containsPattern("rollup-10s +restored +checkout/rollup-10s");
            Run upgraded = run(engineer, "deploy", "checkout", "2", "--confirm");
            assertThat(upgraded.status()).as(upgraded.output()).isZero();
            assertThat(upgraded.output()).containsPattern("running: checkout version 2 as job \\w+, restored from file:.*savepoint-");
            assertThat(run(engineer, "deployments").output()).containsPattern("checkout version 2: job \\w+ RUNNING, restored from file:");

            assertThat(run(engineer, "savepoint", "checkout").output()).containsPattern("savepoint file:.*savepoint-");
            Run stopped = run(engineer, "stop", "checkout");
            assertThat(stopped.output()).containsPattern("stopped with savepoint file:.*savepoint-");
            assertThat(run(engineer, "deployments").output()).containsPattern("checkout version 2: job \\w+ STOPPED");
            String stoppedWith = stopped.output().substring(stopped.output().indexOf("file:")).strip();
            Run resumed = run(engineer, "deploy", "checkout", "2");
            assertThat(resumed.output()).as("a stopped rollup resumes from its savepoint")
                    .containsPattern("rollup-1h +restored").endsWith(", restored from " + stoppedWith + "\n");
            assertThat(run(viewer(devstack, tokenEndpoint), "deploy", "checkout", "1").output()).contains("refused (403)");

            // a backfill runs a version over the archive the devstack's job writes, on the same cluster
            PulseApi ingest = new PulseApi(devstack.address("API"), PulseApi.clientToken(tokenEndpoint, "acme-admin"));
            Instant sent = Instant.now();
            assertThat(ingest.post("/v1/events", List.of(Map.of("metric", "checkout", "timestamp", sent.toEpochMilli(),
                    "value", 3, "dimensions", Map.of("region", "eu")))).status()).isEqualTo(202);
            LocalDate day = sent.atZone(ZoneOffset.UTC).toLocalDate();
            Path archived = folder.resolve("data/archive/tenant=acme/day=" + day);
            await().atMost(Duration.ofSeconds(90)).until(() -> Files.isDirectory(archived) && parts(archived) > 0);
            Run backfill = run(engineer, "backfill", "checkout", "2", day.toString(), day.plusDays(1).toString());
            assertThat(backfill.status()).as(backfill.output()).isZero();
            assertThat(backfill.output()).contains(cluster, "backfill of checkout version 2 from " + day + "T00:00:00Z")
                    .containsPattern("backfill job \\w+ FINISHED");
            Run nothing = run(engineer, "backfill", "checkout", "2", "2020-01-01", "2020-01-02");
            assertThat(nothing.status()).isEqualTo(1);
            assertThat(nothing.output()).contains("refused (502)", "holds no events of checkout's tenants");

            Run forbidden = run(viewer(devstack, tokenEndpoint), "list");
            assertThat(forbidden.status()).isEqualTo(1);
            assertThat(forbidden.output()).contains("refused (403)");
            assertThat(run(engineer, "unknown").status()).isEqualTo(2);
        }
    }

    private static long parts(Path day) throws Exception {
        try (var files = Files.list(day)) {
            return files.filter(file -> file.getFileName().toString().startsWith("events-")).count();
        }
    }

    private static Map<String, String> viewer(DevstackProcess devstack, String tokenEndpoint) throws Exception {
        return Map.of("PULSE_API", devstack.address("API"), "PULSE_TOKEN", PulseApi.clientToken(tokenEndpoint, "acme-viewer"));
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(folder.resolve(name), text);
    }

    private static Run run(Map<String, String> environment, String... args) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int status = JobsCli.run(args, environment, new PrintStream(output, true, StandardCharsets.UTF_8));
        return new Run(status, output.toString(StandardCharsets.UTF_8));
    }
}
