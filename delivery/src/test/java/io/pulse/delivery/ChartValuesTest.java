package io.pulse.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.delivery.Chart.Environment;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** What the chart's values switch: images, the Secret, monitoring, autoscaling, NetworkPolicies, restarts. */
class ChartValuesTest {

    private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

    private static List<JsonNode> render(Map<String, String> overrides) {
        return Chart.objects(Chart.render(Environment.DEFAULT, overrides));
    }

    private static JsonNode deployment(List<JsonNode> objects, String name) {
        return Chart.ofKind(objects, "Deployment").stream()
                .filter(object -> object.path("metadata").path("name").asText().equals(name)).findFirst().orElseThrow();
    }

    private static JsonNode container(List<JsonNode> objects, String deployment) {
        return deployment(objects, deployment).path("spec").path("template").path("spec").path("containers").get(0);
    }

    @Test
    void imagesDefaultToTheAppVersionAndTakeADigest() {
        List<JsonNode> objects = Chart.objects(Environment.DEFAULT);
        assertThat(container(objects, "pulse-serving-api").path("image").asText()).isEqualTo("pulse/serving-api:0.1.0");
        assertThat(container(objects, "pulse-dashboard").path("image").asText()).isEqualTo("pulse/dashboard:0.1.0");
        assertThat(Chart.one(objects, "FlinkDeployment").path("spec").path("image").asText()).isEqualTo("pulse/flink-jobs:0.1.0");

        List<JsonNode> pinned = render(Map.of("servingApi.image.tag", "1.2.3", "servingApi.image.digest", DIGEST));
        assertThat(container(pinned, "pulse-serving-api").path("image").asText()).isEqualTo("pulse/serving-api:1.2.3@" + DIGEST);
    }

    @Test
    void latestAndMalformedDigestsAreRefused() {
        assertThatThrownBy(() -> Chart.render(Environment.DEFAULT, Map.of("servingApi.image.tag", "latest")))
                .hasMessageContaining("latest");
        assertThatThrownBy(() -> Chart.render(Environment.DEFAULT, Map.of("rollups.image.digest", "sha256:abc")))
                .hasMessageContaining("image.digest");
    }

    @Test
    void anExistingSecretReplacesTheChartsOwn() {
        List<JsonNode> own = Chart.objects(Environment.DEFAULT);
        assertThat(Chart.one(own, "Secret").path("data").fieldNames()).toIterable().containsExactlyInAnyOrder(
                "PULSE_JDBC_PASSWORD", "PULSE_AMQP_URI", "PULSE_OIDC_CLIENT_SECRET", "PULSE_RABBITMQ_MANAGEMENT_PASSWORD");

        List<JsonNode> existing = render(Map.of("secrets.existingSecret", "vault-pulse"));
        assertThat(Chart.ofKind(existing, "Secret")).isEmpty();
        assertThat(container(existing, "pulse-serving-api").path("envFrom").findValuesAsText("name")).contains("vault-pulse");
        JsonNode flinkEnv = Chart.one(existing, "FlinkDeployment").path("spec").path("podTemplate").path("spec")
                .path("containers").get(0).path("env");
        assertThat(flinkEnv.findValues("secretKeyRef")).extracting(reference -> reference.path("name").asText())
                .containsOnly("vault-pulse");
        assertThat(flinkEnv.findValues("secretKeyRef")).extracting(reference -> reference.path("key").asText())
                .containsExactlyInAnyOrder("PULSE_JDBC_PASSWORD", "PULSE_AMQP_URI");
    }

    @Test
    void aChangedConfigurationOrSecretRestartsThePods() {
        String config = annotation(Chart.objects(Environment.DEFAULT), "checksum/config");
        String secret = annotation(Chart.objects(Environment.DEFAULT), "checksum/secret");
        List<JsonNode> newIssuer = render(Map.of("connections.oidc.issuer", "https://login.example.org/realms/pulse"));
        assertThat(annotation(newIssuer, "checksum/config")).isNotEqualTo(config);
        assertThat(annotation(newIssuer, "checksum/secret")).isEqualTo(secret);
        List<JsonNode> newPassword = render(Map.of("secrets.jdbcPassword", "rotated"));
        assertThat(annotation(newPassword, "checksum/secret")).isNotEqualTo(secret);
        assertThat(annotation(newPassword, "checksum/config")).isEqualTo(config);
        assertThat(Chart.one(newPassword, "FlinkDeployment").path("spec").path("podTemplate").path("metadata")
                .path("annotations").path("checksum/secret").asText()).isEqualTo(annotation(newPassword, "checksum/secret"));
    }

    private static String annotation(List<JsonNode> objects, String name) {
        return deployment(objects, "pulse-serving-api").path("spec").path("template").path("metadata")
                .path("annotations").path(name).asText();
    }

    @Test
    void monitoringObjectsAreEachSwitchedOff() {
        List<JsonNode> none = render(Map.of("monitoring.serviceMonitor.enabled", "false",
                "monitoring.podMonitor.enabled", "false", "monitoring.prometheusRule.enabled", "false"));
        assertThat(Chart.ofKind(none, "ServiceMonitor")).isEmpty();
        assertThat(Chart.ofKind(none, "PodMonitor")).isEmpty();
        assertThat(Chart.ofKind(none, "PrometheusRule")).isEmpty();

        List<JsonNode> labelled = render(Map.of("monitoring.labels.release", "kube-prometheus-stack"));
        for (String kind : List.of("ServiceMonitor", "PodMonitor", "PrometheusRule")) {
            assertThat(Chart.one(labelled, kind).path("metadata").path("labels").path("release").asText())
                    .as(kind).isEqualTo("kube-prometheus-stack");
        }
    }

    @Test
    void theMonitorsKeepTheJobLabelsTheAlertRulesRead() {
        List<JsonNode> objects = Chart.objects(Environment.DEFAULT);
        JsonNode service = Chart.one(objects, "ServiceMonitor").path("spec").path("endpoints").get(0).path("relabelings").get(0);
        assertThat(service.path("targetLabel").asText()).isEqualTo("job");
        assertThat(service.path("replacement").asText()).isEqualTo("serving-api");
        JsonNode pods = Chart.one(objects, "PodMonitor").path("spec").path("podMetricsEndpoints").get(0).path("relabelings").get(0);
        assertThat(pods.path("sourceLabels").get(0).asText()).isEqualTo("__meta_kubernetes_pod_label_component");
        assertThat(pods.path("replacement").asText()).isEqualTo("flink-$1");
        // and the PodMonitor selects the labels Flink's native Kubernetes mode puts on the job's pods
        assertThat(Chart.one(objects, "PodMonitor").path("spec").path("selector").path("matchLabels").path("app").asText())
                .isEqualTo("pulse-rollups");
    }

    @Test
    void theWebSocketMetricIsAnAutoscalingOption() {
        JsonNode cpuOnly = Chart.one(Chart.objects(Environment.DEFAULT), "HorizontalPodAutoscaler");
        assertThat(cpuOnly.path("spec").path("metrics").findValuesAsText("type")).containsExactly("Resource", "Utilization");

        JsonNode sockets = Chart.one(render(Map.of("servingApi.autoscaling.websocketConnections.enabled", "true")),
                "HorizontalPodAutoscaler");
        JsonNode pods = StreamSupport.stream(sockets.path("spec").path("metrics").spliterator(), false)
                .filter(metric -> metric.path("type").asText().equals("Pods")).findFirst().orElseThrow();
        assertThat(pods.path("pods").path("metric").path("name").asText()).isEqualTo("pulse_websocket_connections");
        assertThat(pods.path("pods").path("target").path("type").asText()).isEqualTo("AverageValue");

        List<JsonNode> fixed = render(Map.of("servingApi.autoscaling.enabled", "false", "servingApi.replicaCount", "3"));
        assertThat(Chart.ofKind(fixed, "HorizontalPodAutoscaler")).isEmpty();
        assertThat(deployment(fixed, "pulse-serving-api").path("spec").path("replicas").asInt()).isEqualTo(3);
    }

    @Test
    void networkPoliciesAreOptionalAndAnEmptyPeerListAllowsNothing() {
        assertThat(Chart.ofKind(render(Map.of("networkPolicy.enabled", "false")), "NetworkPolicy")).isEmpty();

        List<JsonNode> noRedis = render(Map.of("networkPolicy.redis.peers", "null"));
        for (JsonNode policy : Chart.ofKind(noRedis, "NetworkPolicy")) {
            for (JsonNode rule : policy.path("spec").path("egress")) {
                assertThat(rule.path("to").isEmpty()).as(policy.path("metadata").path("name") + " allows everything").isFalse();
                assertThat(rule.path("ports").findValuesAsText("port")).doesNotContain("6379");
            }
        }
    }

    @Test
    void theJobTakesItsShardsParallelismAndStorageFromValues() {
        JsonNode flink = Chart.one(render(Map.of("rollups.shards", "8", "rollups.parallelism", "6",
                "rollups.checkpointDir", "s3://bucket/chk", "rollups.savepointDir", "s3://bucket/svp",
                "rollups.highAvailability.storageDir", "s3://bucket/ha")), "FlinkDeployment").path("spec");
        List<String> args = StreamSupport.stream(flink.path("job").path("args").spliterator(), false).map(JsonNode::asText).toList();
        assertThat(args).containsSequence("--shards", "8").containsSequence("--parallelism", "6")
                .containsSequence("--checkpoint-dir", "s3://bucket/chk");
        assertThat(flink.path("job").path("parallelism").asInt()).isEqualTo(6);
        assertThat(flink.path("flinkConfiguration").path("state.checkpoints.dir").asText()).isEqualTo("s3://bucket/chk");
        assertThat(flink.path("flinkConfiguration").path("state.savepoints.dir").asText()).isEqualTo("s3://bucket/svp");
        assertThat(flink.path("flinkConfiguration").path("high-availability.storageDir").asText()).isEqualTo("s3://bucket/ha");
    }
}
