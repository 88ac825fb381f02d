package io.pulse.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.pulse.delivery.Chart.Environment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every object the chart renders parses strictly into the fabric8 class of its kind, and the custom
 * resources (FlinkDeployment, ServiceMonitor, PodMonitor, PrometheusRule) have what their operators need.
 */
class ManifestParsingTest {

    /** The fields of a FlinkDeployment's spec and job the Flink Kubernetes Operator's CRD (v1beta1) knows. */
    private static final Set<String> FLINK_SPEC_FIELDS = Set.of("image", "imagePullPolicy", "flinkVersion",
            "serviceAccount", "flinkConfiguration", "jobManager", "taskManager", "podTemplate", "job",
            "logConfiguration", "ingress", "mode", "restartNonce");
    private static final Set<String> FLINK_JOB_FIELDS = Set.of("jarURI", "entryClass", "args", "parallelism",
            "upgradeMode", "state", "allowNonRestoredState", "initialSavepointPath", "savepointRedeployNonce",
            "savepointTriggerNonce", "checkpointTriggerNonce");
    private static final Set<String> FLINK_RESOURCE_FIELDS = Set.of("cpu", "memory", "ephemeralStorage");

    @ParameterizedTest
    @EnumSource(Environment.class)
    void everyObjectParsesStrictlyIntoItsModelClass(Environment environment) {
        List<JsonNode> objects = Chart.objects(environment);
        assertThat(objects).isNotEmpty();
        Set<String> names = new HashSet<>();
        for (JsonNode object : objects) {
            HasMetadata parsed = StrictModel.parse(object);
            String what = StrictModel.name(object);
            assertThat(parsed.getMetadata().getName()).as(what).isNotBlank().hasSizeLessThanOrEqualTo(63);
            assertThat(parsed.getMetadata().getNamespace()).as(what + "'s namespace").isEqualTo(environment.namespace);
            assertThat(parsed.getMetadata().getLabels()).as(what + "'s labels")
                    .containsEntry("app.kubernetes.io/name", "pulse")
                    .containsEntry("app.kubernetes.io/instance", Chart.RELEASE)
                    .containsEntry("app.kubernetes.io/managed-by", "Helm");
            assertThat(names.add(StrictModel.type(object) + "/" + parsed.getMetadata().getName()))
                    .as(what + " is rendered once").isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Environment.class)
    void everyEnvironmentHasTheWholePlatform(Environment environment) {
        Set<String> types = new TreeSet<>();
        Chart.objects(environment).forEach(object -> types.add(StrictModel.type(object)));
        assertThat(types).contains("apps/v1/Deployment", "v1/Service", "v1/ConfigMap",
                "autoscaling/v2/HorizontalPodAutoscaler", "policy/v1/PodDisruptionBudget",
                "networking.k8s.io/v1/Ingress", "networking.k8s.io/v1/NetworkPolicy")
                .containsAll(StrictModel.CUSTOM);
        assertThat(Chart.ofKind(Chart.objects(environment), "Deployment"))
                .extracting(deployment -> deployment.path("metadata").path("name").asText())
                .containsExactlyInAnyOrder("pulse-serving-api", "pulse-dashboard");
    }

    @ParameterizedTest
    @EnumSource(Environment.class)
    void theFlinkDeploymentHasWhatTheOperatorNeeds(Environment environment) {
        JsonNode flink = Chart.one(Chart.objects(environment), "FlinkDeployment");
        JsonNode spec = flink.path("spec");
        List<String> problems = new ArrayList<>();
        spec.fieldNames().forEachRemaining(field -> {
            if (!FLINK_SPEC_FIELDS.contains(field)) {
                problems.add("spec." + field + " is not a FlinkDeployment field");
            }
        });
        spec.path("job").fieldNames().forEachRemaining(field -> {
            if (!FLINK_JOB_FIELDS.contains(field)) {
                problems.add("spec.job." + field + " is not a job field");
            }
        });
        assertThat(problems).isEmpty();

        assertThat(spec.path("image").asText()).isNotBlank();
        assertThat(spec.path("flinkVersion").asText()).isEqualTo("v1_20");
        assertThat(spec.path("serviceAccount").asText()).isNotBlank();
        JsonNode configuration = spec.path("flinkConfiguration");
        assertThat(configuration.isObject()).isTrue();
        configuration.fields().forEachRemaining(entry ->
                assertThat(entry.getValue().isTextual()).as("flinkConfiguration." + entry.getKey() + " is a string").isTrue());
        assertThat(configuration.path("state.checkpoints.dir").asText()).matches("(s3|s3p|gs|hdfs|abfss?|file)://.+");
        assertThat(configuration.path("state.savepoints.dir").asText()).matches("(s3|s3p|gs|hdfs|abfss?|file)://.+");
        assertThat(configuration.path("high-availability.type").asText()).isEqualTo("kubernetes");
        assertThat(configuration.path("high-availability.storageDir").asText()).matches("(s3|s3p|gs|hdfs|abfss?|file)://.+");
        assertThat(configuration.path("metrics.reporter.prom.factory.class").asText())
                .isEqualTo("org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        assertThat(configuration.path("metrics.reporter.prom.port").asText()).isEqualTo("9249");
        for (String manager : List.of("jobManager", "taskManager")) {
            JsonNode resource = spec.path(manager).path("resource");
            resource.fieldNames().forEachRemaining(field ->
                    assertThat(FLINK_RESOURCE_FIELDS).as(manager + ".resource." + field).contains(field));
            assertThat(resource.path("cpu").isNumber()).as(manager + ".resource.cpu").isTrue();
            assertThat(resource.path("memory").asText()).as(manager + ".resource.memory").matches("\\d+[mg]");
        }
        // the pod template is a Pod: parsed strictly like any built-in object
        Pod template = StrictModel.parse(spec.path("podTemplate"), Pod.class, "the FlinkDeployment's podTemplate");
        assertThat(template.getSpec().getContainers()).extracting(container -> container.getName())
                .contains("flink-main-container");

        JsonNode job = spec.path("job");
        assertThat(job.path("jarURI").asText()).isEqualTo("local:///opt/flink/usrlib/pulse-rollups.jar");
        assertThat(job.path("entryClass").asText()).isEqualTo("io.pulse.rollup.RollupJob");
        assertThat(job.path("upgradeMode").asText()).isEqualTo("savepoint");
        assertThat(job.path("state").asText()).isEqualTo("running");
        assertThat(job.path("parallelism").isInt()).isTrue();
        assertThat(job.path("args").isArray()).isTrue();
        job.path("args").forEach(argument -> assertThat(argument.isTextual()).as("argument " + argument).isTrue());
    }

    @ParameterizedTest
    @EnumSource(Environment.class)
    void theMonitorsSelectAndScrapeSomething(Environment environment) {
        List<JsonNode> objects = Chart.objects(environment);
        JsonNode serviceMonitor = Chart.one(objects, "ServiceMonitor").path("spec");
        assertThat(serviceMonitor.path("selector").path("matchLabels").isEmpty()).isFalse();
        assertThat(serviceMonitor.path("endpoints")).isNotEmpty().allSatisfy(endpoint -> {
            assertThat(endpoint.path("port").asText()).isNotBlank();
            assertThat(endpoint.path("path").asText()).isEqualTo("/prometheus");
        });
        JsonNode podMonitor = Chart.one(objects, "PodMonitor").path("spec");
        assertThat(podMonitor.path("selector").path("matchLabels").isEmpty()).isFalse();
        assertThat(podMonitor.path("podMetricsEndpoints")).isNotEmpty()
                .allSatisfy(endpoint -> assertThat(endpoint.path("port").asText()).isEqualTo("metrics"));

        JsonNode rule = Chart.one(objects, "PrometheusRule").path("spec");
        assertThat(rule.path("groups")).isNotEmpty().allSatisfy(group -> {
            assertThat(group.path("name").asText()).isNotBlank();
            assertThat(group.path("rules")).isNotEmpty().allSatisfy(each -> {
                assertThat(each.has("record") ^ each.has("alert")).as(each.toString()).isTrue();
                assertThat(each.path("expr").asText()).as(each.toString()).isNotBlank();
            });
        });
    }

    /** The strictness itself: a misspelt field and a port given as a string are refused. */
    @Test
    void aMisspeltFieldOrAWronglyTypedValueIsRefused() {
        JsonNode service = Chart.ofKind(Chart.objects(Environment.DEFAULT), "Service").get(0);
        ObjectNode misspelt = service.deepCopy();
        ((ObjectNode) misspelt.path("spec")).put("selectr", "typo");
        assertThatThrownBy(() -> StrictModel.parse(misspelt))
                .isInstanceOf(AssertionError.class).hasMessageContaining("selectr");
        ObjectNode nested = service.deepCopy();
        ((ObjectNode) nested.path("spec").path("ports").get(0)).put("protocl", "TCP");
        assertThatThrownBy(() -> StrictModel.parse(nested))
                .isInstanceOf(AssertionError.class).hasMessageContaining("protocl");
        ObjectNode stringPort = service.deepCopy();
        ((ObjectNode) stringPort.path("spec").path("ports").get(0)).put("port", "8080");
        assertThatThrownBy(() -> StrictModel.parse(stringPort)).isInstanceOf(AssertionError.class);
    }
}
