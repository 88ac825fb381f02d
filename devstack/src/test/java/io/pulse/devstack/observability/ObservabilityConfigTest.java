package io.pulse.devstack.observability;

import static io.pulse.devstack.observability.PromQlMetricNames.ROOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The alerting and dashboard configuration (docs/operations/observability.md): Prometheus' and
 * Alertmanager's own checkers accept it and the rules pass their unit tests; every alert can be routed and
 * acted on (severity, summary, description, a runbook that exists); every dashboard panel queries the
 * provisioned data source; docker-compose's Prometheus loads the rule file the Helm chart's PrometheusRule
 * is made from. promtool and amtool must be on the PATH (Debian: prometheus, alertmanager).
 */
class ObservabilityConfigTest {

    private static final String RUNBOOK_BASE = "https://github.com/pulse/pulse/blob/main/";
    private static final Path ALERT_RUNBOOKS = ROOT.resolve("docs/operations/alerts");
    private static final String DATASOURCE_UID = "prometheus";

    @Test
    void promtoolAcceptsTheRules() throws Exception {
        List<String> command = new ArrayList<>(List.of("promtool", "check", "rules"));
        PromQlMetricNames.ruleFiles().forEach(file -> command.add(ROOT.relativize(file).toString()));
        run(command);
    }

    @Test
    void theRulesPassTheirUnitTests() throws Exception {
        run(List.of("promtool", "test", "rules", "deploy/prometheus/tests/pulse-alerts.test.yml"));
    }

    @Test
    void promtoolAcceptsThePrometheusConfiguration() throws Exception {
        run(List.of("promtool", "check", "config", "deploy/prometheus/prometheus.yml"));
    }

    /**
     * The rules are one file, in the Helm chart (its PrometheusRule emits the file's groups): docker-compose's
     * Prometheus, with the mount that makes prometheus.yml's relative path reach it in the container, and the
     * rule tests load that same file. promtool accepts a rule_files glob that matches nothing, hence this.
     */
    @Test
    @SuppressWarnings("unchecked")
    void composeAndTheRuleTestsLoadTheChartsRuleFile() throws IOException {
        List<Path> ruleFiles = PromQlMetricNames.ruleFiles();
        assertThat(ruleFiles).extracting(file -> ROOT.relativize(file).toString())
                .containsExactly("helm/pulse/files/prometheus/pulse-alerts.yml");

        Path config = ROOT.resolve("deploy/prometheus/prometheus.yml");
        Map<String, Object> prometheus = new Yaml().load(Files.readString(config));
        List<Path> loaded = new ArrayList<>();
        for (String pattern : (List<String>) prometheus.get("rule_files")) {
            Path resolved = config.getParent().resolve(pattern).normalize();
            PathMatcher matcher = resolved.getFileSystem().getPathMatcher("glob:" + resolved);
            try (Stream<Path> files = Files.list(resolved.getParent())) {
                files.filter(matcher::matches).sorted().forEach(loaded::add);
            }
        }
        assertThat(loaded).as("the rule files prometheus.yml loads").isEqualTo(ruleFiles);

        // in the container prometheus.yml is /etc/prometheus/prometheus.yml: ../../helm/... is /helm/...
        Map<String, Object> compose = new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
        Map<String, Object> services = (Map<String, Object>) compose.get("services");
        List<String> volumes = (List<String>) ((Map<String, Object>) services.get("prometheus")).get("volumes");
        assertThat(volumes).contains("./deploy/prometheus:/etc/prometheus:ro",
                "./helm/pulse/files/prometheus:/helm/pulse/files/prometheus:ro");

        Path tests = ROOT.resolve("deploy/prometheus/tests/pulse-alerts.test.yml");
        Map<String, Object> unitTests = new Yaml().load(Files.readString(tests));
        assertThat((List<String>) unitTests.get("rule_files"))
                .extracting(file -> tests.getParent().resolve(file).normalize())
                .isEqualTo(ruleFiles);
    }

    @Test
    void amtoolAcceptsTheAlertmanagerConfiguration() throws Exception {
        run(List.of("amtool", "check-config", "deploy/alertmanager/alertmanager.yml"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyAlertHasASeverityATextAndARunbookThatExists() throws IOException {
        Set<String> alerts = new TreeSet<>();
        for (Map<String, Object> rule : PromQlMetricNames.rules()) {
            if (!rule.containsKey("alert")) {
                continue;
            }
            String name = (String) rule.get("alert");
            alerts.add(name);
            Map<String, Object> labels = (Map<String, Object>) rule.getOrDefault("labels", Map.of());
            Map<String, Object> annotations = (Map<String, Object>) rule.getOrDefault("annotations", Map.of());
            assertThat(labels.get("severity")).as(name + "'s severity").isIn("critical", "warning");
            assertThat((String) annotations.get("summary")).as(name + "'s summary").isNotBlank();
            assertThat((String) annotations.get("description")).as(name + "'s description").isNotBlank();
            String runbook = (String) annotations.get("runbook_url");
            assertThat(runbook).as(name + "'s runbook_url")
                    .isEqualTo(RUNBOOK_BASE + "docs/operations/alerts/" + name + ".md");
            assertThat(ROOT.resolve(runbook.substring(RUNBOOK_BASE.length()))).as(name + "'s runbook").isRegularFile();
        }
        assertThat(alerts).isNotEmpty();
        // and no runbook of an alert that is gone; the index names each one
        String index = Files.readString(ALERT_RUNBOOKS.resolve("README.md"));
        try (Stream<Path> files = Files.list(ALERT_RUNBOOKS)) {
            Set<String> runbooks = new TreeSet<>(files.map(file -> file.getFileName().toString())
                    .filter(file -> file.endsWith(".md") && !file.equals("README.md"))
                    .map(file -> file.substring(0, file.length() - ".md".length())).toList());
            assertThat(runbooks).isEqualTo(alerts);
        }
        assertThat(alerts).allSatisfy(alert -> assertThat(index).contains("(" + alert + ".md)"));
    }

    @Test
    void everyRecordedSeriesTheRulesAndDashboardsReadIsRecorded() throws IOException {
        Set<String> read = new TreeSet<>();
        PromQlMetricNames.rules().forEach(rule -> read.addAll(PromQlMetricNames.of(String.valueOf(rule.get("expr")))));
        PromQlMetricNames.dashboardExpressions().forEach(expression -> read.addAll(PromQlMetricNames.of(expression)));
        Set<String> recorded = PromQlMetricNames.recordedNames();
        assertThat(read).filteredOn(name -> name.contains(":")).allSatisfy(name -> assertThat(recorded).contains(name));
        assertThat(recorded).as("recorded and never read").allSatisfy(name -> assertThat(read).contains(name));
    }

    @Test
    void everyDashboardPanelQueriesTheProvisionedDataSource() throws IOException {
        String provisioning = Files.readString(ROOT.resolve("deploy/grafana/provisioning/datasources/prometheus.yml"));
        assertThat(provisioning).containsPattern("(?m)^\\s+uid: " + DATASOURCE_UID + "$");
        List<Path> dashboards = PromQlMetricNames.dashboardFiles();
        assertThat(dashboards).hasSize(4);
        Set<String> uids = new HashSet<>();
        for (Path file : dashboards) {
            String name = file.getFileName().toString();
            assertThat(Files.readString(file)).as(name).doesNotContain("${DS_");
            JsonNode dashboard = new ObjectMapper().readTree(file.toFile());
            assertThat(dashboard.path("uid").asText()).as(name + "'s uid").isNotBlank();
            assertThat(uids.add(dashboard.path("uid").asText())).as(name + "'s uid is unique").isTrue();
            assertThat(dashboard.path("title").asText()).as(name + "'s title").isNotBlank();
            assertThat(dashboard.path("schemaVersion").asInt()).as(name + "'s schemaVersion").isEqualTo(39);
            assertThat(dashboard.path("panels")).as(name + "'s panels").isNotEmpty();
            for (JsonNode panel : dashboard.path("panels")) {
                String title = name + " / " + panel.path("title").asText();
                assertThat(panel.path("type").asText()).as(title).isEqualTo("timeseries");
                assertThat(panel.path("targets")).as(title + "'s targets").isNotEmpty();
                for (JsonNode target : panel.path("targets")) {
                    assertThat(target.path("expr").asText()).as(title + "'s expr").isNotBlank();
                    JsonNode datasource = target.has("datasource") ? target.path("datasource") : panel.path("datasource");
                    assertThat(datasource.path("uid").asText()).as(title + "'s datasource").isEqualTo(DATASOURCE_UID);
                }
            }
        }
    }

    /** Runs a checker from the repository root; it must exit 0, and its output is the failure message. */
    private static void run(List<String> command) throws Exception {
        Path log = Files.createTempFile("observability-check", ".log");
        try {
            Process process;
            try {
                process = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).start();
            } catch (IOException notFound) {
                fail(command.get(0) + " is not on the PATH (Debian: apt-get install prometheus alertmanager): "
                        + notFound.getMessage());
                return;
            }
            boolean finished = process.waitFor(2, TimeUnit.MINUTES);
            if (!finished) {
                process.destroyForcibly().waitFor();
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(finished).as(String.join(" ", command) + " did not finish in 2 minutes:\n" + output).isTrue();
            assertThat(process.exitValue()).as(String.join(" ", command) + " said:\n" + output).isZero();
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
