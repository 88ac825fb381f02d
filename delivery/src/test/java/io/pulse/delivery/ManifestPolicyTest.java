package io.pulse.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.pulse.delivery.Chart.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The rules every rendering keeps: containers with requests, limits and probes that run as a non-root user
 * from a pinned image; no credential in a ConfigMap; Services, the HPA, PDBs and the Ingress pointing at
 * what exists; the PrometheusRule holding exactly the rule file's groups; and what the pods are given is
 * what the code reads.
 */
class ManifestPolicyTest {

    /** repository[:tag][@sha256:digest]; the registry may carry a port. */
    static final Pattern IMAGE = Pattern.compile(
            "(?<repository>[a-z0-9.-]+(?::\\d+)?(?:/[a-z0-9._-]+)*|[a-z0-9._-]+(?:/[a-z0-9._-]+)*)"
                    + "(?::(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(?<digest>sha256:[0-9a-f]{64}))?");
    private static final Pattern SECRET_KEY = Pattern.compile("(?i)password|secret|token|key");
    private static final Pattern CREDENTIALS_IN_URI = Pattern.compile("://[^/@\\s:]+:[^/@\\s]*@");

    static List<Deployment> deployments(Environment environment) {
        return Chart.ofKind(Chart.objects(environment), "Deployment").stream()
                .map(node -> StrictModel.parse(node, Deployment.class, StrictModel.name(node))).toList();
    }

    static <T> List<T> parsed(Environment environment, String kind, Class<T> modelClass) {
        return Chart.ofKind(Chart.objects(environment), kind).stream()
                .map(node -> StrictModel.parse(node, modelClass, StrictModel.name(node))).toList();
    }

    /** The FlinkDeployment's pod template, as the Pod it is. */
    static Pod flinkPodTemplate(Environment environment) {
        JsonNode flink = Chart.one(Chart.objects(environment), "FlinkDeployment");
        return StrictModel.parse(flink.path("spec").path("podTemplate"), Pod.class, "the FlinkDeployment's podTemplate");
    }

    static void assertPinned(String image, String what) {
        assertThat(image).as(what + "'s image").isNotBlank();
        Matcher match = IMAGE.matcher(image);
        assertThat(match.matches()).as(what + "'s image " + image + " is a reference").isTrue();
        String tag = match.group("tag");
        String digest = match.group("digest");
        assertThat(tag != null || digest != null).as(what + "'s image " + image + " has a tag or a digest").isTrue();
        assertThat(tag).as(what + "'s image " + image).isNotEqualTo("latest");
    }

    @ParameterizedTest
    @EnumSource(Environment.class)
    void everyDeploymentsContainersHaveResourcesProbesAndRunHardenedAsNonRoot(Environment environment) {
        List<Deployment> deployments = deployments(environment);
        assertThat(deployments).isNotEmpty();
        for (Deployment deployment : deployments) {
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            String name = deployment.getMetadata().getName();
            assertThat(pod.getAutomountServiceAccountToken()).as(name + " mounts no API token").isFalse();
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).as(name).isEqualTo("RuntimeDefault");
            List<Container> containers = new ArrayList<>(pod.getContainers());
            containers.addAll(pod.getInitContainers());
            for (Container container : containers) {
                String what = name + "/" + container.getName();
                assertResources(container, what);
                assertNonRoot(pod.getSecurityContext(), container.getSecurityContext(), what);
                assertPinned(container.getImage(), what);
                assertThat(container.getLivenessProbe()).as(what + "'s liveness probe").isNotNull();
                assertThat(container.getReadinessProbe()).as(what + "'s readiness probe").isNotNull();
                SecurityContext hardening = container.getSecurityContext();
                assertThat(hardening.getAllowPrivilegeEscalation()).as(what + " allowPrivilegeEscalation").isFalse();
                assertThat(hardening.getReadOnlyRootFilesystem()).as(what + " readOnlyRootFilesystem").isTrue();
                assertThat(hardening.getCapabilities().getDrop()).as(what + " drops").containsExactly("ALL");
                assertThat(hardening.getCapabilities().getAdd()).as(what + " adds").isNullOrEmpty();
                assertThat(container.getVolumeMounts()).as(what + "'s writable /tmp")
                        .anySatisfy(mount -> assertThat(mount.getMountPath()).isEqualTo("/tmp"));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Environment.class)
    void servingApiRunsAsItsImagesUserWithHealthProbes(Environment environment) {
        Deployment api = deployments(environment).stream()
                .filter(deployment -> deployment.getMetadata().getName().endsWith("-serving-api")).findFirst().orElseThrow();
        Container container = api.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health/liveness");
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health/readiness");
        assertThat(container.getPorts()).singleElement()
                .satisfies(port -> assertThat(port.getContainerPort()).isEqualTo(8080));
        assertThat(api.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsKeys("checksum/config", "checksum/secret");
    }

    @ParameterizedTest
    @EnumSource(Environment.class)
    void theRollupJobsPodsRunAsNonRootFromAPinnedImageWithResources(Environment environment) {
        JsonNode flink = Chart.one(Chart.objects(environment), "FlinkDeployment");
        assertPinned(flink.path("spec").path("image").asText(), "the FlinkDeployment");
        // the operator gives flink-main-container requests and limits from these (limit factor 1)
        for (String manager : List.of("jobManager", "taskManager")) {
            JsonNode resource = flink.path("spec").path(manager).path("resource");
            assertThat(resource.path("cpu").asDouble()).as(manager + " cpu").isPositive();
            assertThat(resource.path("memory").asText()).as(manager + " memory").isNotBlank();
        }
        Pod template = flinkPodTemplate(environment);
        PodSecurityContext pod = template.getSpec().getSecurityContext();
        assertThat(pod.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        for (Container container : template.getSpec().getContainers()) {
            String what = "FlinkDeployment/" + container.getName();
            assertNonRoot(pod, container.getSecurityContext(), what);
            assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).as(what).isFalse();
            assertThat(container.getSecurityContext().getCapabilities().getDrop()).as(what).containsExactly("ALL");
            if (container.getImage() != null) {
                assertPinned(container.getImage(), what);
            }
            if (!container.getName().equals("flink-main-container")) {
                assertResources(container, what);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Environment.class)
    void noConfigMapHoldsACredential(Environment environment) {
        List<ConfigMap> configMaps = parsed(environment, "ConfigMap", ConfigMap.class);
        assertThat(configMaps).isNotEmpty();
        for (ConfigMap configMap : configMaps) {
            String name = configMap.getMetadata().getName();
            Map<String, String> data = Objects.requireNonNullElse(configMap.getData(), Map.of());
            assertThat(data.keySet()).as(name + "'s keys").noneMatch(key -> SECRET_KEY.matcher(key).find());
            assertThat(data.values()).as(name + "'s values").noneMatch(value -> CREDENTIALS_IN_URI.matcher(value).find());
        }
        // nor do the job's arguments and plain environment (the FlinkDeployment is readable by more people)
        JsonNode flink = Chart.one(Chart.objects(environment), "FlinkDeployment");
        flink.path("spec").path("job").path("args").forEach(argument -> {
            assertThat(CREDENTIALS_IN_URI.matcher(argument.asText()).find()).as("argument " + argument).isFalse();
            assertThat(argument.asText()).as("argument").doesNotContain("password");
        });
        for (Container container : flinkPodTemplate(environment).getSpec().getContainers()) {
            container.getEnv().stream().filter(variable -> variable.getValue() != null).forEach(variable -> {
                assertThat(SECRET_KEY.matcher(variable.getName()).find()).as(variable.getName()).isFalse();
                assertThat(CREDENTIALS_IN_URI.matcher(variable.getValue()).find()).as(variable.getName()).isFalse();
            });
        }
        for (JsonNode object : Chart.objects(environment)) {
            if (!object.path("kind").asText().equals("Secret")) {
                assertThat(CREDENTIALS_IN_URI.matcher(object.toString()).find())
                        .as("a URI with credentials in " + StrictModel.name(object)).isFalse();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Environment.class)
    void everyServiceSelectsTheLabelsOfAPodTemplate(Environment environment) {
        List<Map<String, String>> podLabels = deployments(environment).stream()
                .map(deployment -> deployment.getSpec().getTemplate().getMetadata().getLabels()).toList();
        List<Service> services = parsed(environment, "Service", Service.class);
        assertThat(services).isNotEmpty();
        for (Service service : services) {
            Map<String, String> selector = service.getSpec().getSelector();
            assertThat(selector).as(service.getMetadata().getName() + "'s selector").isNotEmpty();
            assertThat(podLabels).as(service.getMetadata().getName() + " selects a pod template")
                    .anyMatch(labels -> labels.entrySet().containsAll(selector.entrySet()));
            service.getSpec().getPorts().forEach(port -> assertThat(port.getTargetPort().getStrVal())
                    .as(service.getMetadata().getName() + "'s target port").isEqualTo("http"));
        }
        for (PodDisruptionBudget budget : parsed(environment, "PodDisruptionBudget", PodDisruptionBudget.class)) {
            Map<String, String> selector = budget.getSpec().getSelector().getMatchLabels();
            assertThat(podLabels).as(budget.getMetadata().getName()).anyMatch(labels -> labels.entrySet().containsAll(selector.entrySet()));
        }
        for (Deployment deployment : deployments(environment)) {
            assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels().entrySet())
                    .as(deployment.getMetadata().getName() + " selects its own pods")
                    .containsAll(deployment.getSpec().getSelector().getMatchLabels().entrySet());
        }
    }

    @ParameterizedTest
    @EnumSource(Environment.class)
    void theAutoscalerScalesServingApi(Environment environment) {
        HorizontalPodAutoscaler autoscaler = parsed(environment, "HorizontalPodAutoscaler", HorizontalPodAutoscaler.class).get(0);
        assertThat(autoscaler.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(autoscaler.getSpec().getScaleTargetRef().getName()).isEqualTo("pulse-serving-api");
        assertThat(autoscaler.getSpec().getMetrics()).anySatisfy(metric -> {
            assertThat(metric.getType()).isEqualTo("Resource");
            assertThat(metric.getResource().getName()).isEqualTo("cpu");
        });
        Deployment api = deployments(environment).stream()
                .filter(deployment -> deployment.getMetadata().getName().equals("pulse-serving-api")).findFirst().orElseThrow();
        assertThat(api.getSpec().getReplicas()).as("replicas are the autoscaler's").isNull();
    }

    @ParameterizedTest
    @EnumSource(Environment.class)
    void theIngressRoutesTheApiToServingApiAndTheRestToTheDashboardOverTls(Environment environment) {
        Ingress ingress = parsed(environment, "Ingress", Ingress.class).get(0);
        List<String> services = parsed(environment, "Service", Service.class).stream()
                .map(service -> service.getMetadata().getName()).toList();
        assertThat(ingress.getSpec().getIngressClassName()).isNotBlank();
        List<String> hosts = ingress.getSpec().getRules().stream().map(rule -> rule.getHost()).toList();
        assertThat(hosts).isNotEmpty();
        assertThat(ingress.getSpec().getTls()).singleElement().satisfies(tls -> {
            assertThat(tls.getHosts()).containsExactlyElementsOf(hosts);
            assertThat(tls.getSecretName()).isNotBlank();
        });
        ingress.getSpec().getRules().forEach(rule -> {
            List<HTTPIngressPath> paths = rule.getHttp().getPaths();
            paths.forEach(path -> assertThat(services).as(path.getPath()).contains(path.getBackend().getService().getName()));
            assertThat(paths).filteredOn(path -> path.getBackend().getService().getName().equals("pulse-serving-api"))
                    .extracting(HTTPIngressPath::getPath)
                    .containsExactly("/v1", "/v2", "/graphql", "/graphql-ws", "/oauth", "/logout", "/openapi");
            assertThat(paths).filteredOn(path -> path.getBackend().getService().getName().equals("pulse-dashboard"))
                    .extracting(HTTPIngressPath::getPath).containsExactly("/");
            assertThat(paths).extracting(HTTPIngressPath::getPath).doesNotContain("/prometheus", "/health");
        });
    }

    @ParameterizedTest
    @EnumSource(Environment.class)
    void networkPoliciesCoverEveryPodAndNeverAllowEverything(Environment environment) {
        List<NetworkPolicy> policies = parsed(environment, "NetworkPolicy", NetworkPolicy.class);
        assertThat(policies).hasSize(3);
        for (NetworkPolicy policy : policies) {
            String name = policy.getMetadata().getName();
            assertThat(policy.getSpec().getPolicyTypes()).as(name).containsExactlyInAnyOrder("Ingress", "Egress");
            assertThat(policy.getSpec().getPodSelector().getMatchLabels()).as(name).isNotEmpty();
            policy.getSpec().getIngress().forEach(rule -> assertThat(rule.getFrom()).as(name + " ingress from").isNotEmpty());
            policy.getSpec().getEgress().forEach(rule -> assertThat(rule.getTo()).as(name + " egress to").isNotEmpty());
        }
        for (Deployment deployment : deployments(environment)) {
            Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
            assertThat(policies).as(deployment.getMetadata().getName() + " is under a policy")
                    .anyMatch(policy -> labels.entrySet().containsAll(policy.getSpec().getPodSelector().getMatchLabels().entrySet()));
        }
    }

    @ParameterizedTest
    @EnumSource(Environment.class)
    void thePrometheusRuleHoldsTheRuleFilesGroups(Environment environment) throws IOException {
        JsonNode rule = Chart.one(Chart.objects(environment), "PrometheusRule");
        JsonNode file = Chart.YAML.readTree(Chart.RULES.toFile());
        assertThat(rule.path("spec").path("groups")).isEqualTo(file.path("groups"));
        assertThat(file.path("groups")).isNotEmpty();
    }

    /** Every PULSE_* variable serving-api is given is one its configuration reads. */
    @Test
    void servingApiIsGivenOnlyVariablesItReads() throws IOException {
        Path resources = Chart.ROOT.resolve("serving-api/src/main/resources");
        StringBuilder configuration = new StringBuilder();
        try (Stream<Path> files = Files.list(resources)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                configuration.append(Files.readString(file));
            }
        }
        List<JsonNode> objects = Chart.objects(Environment.DEFAULT);
        List<String> given = new ArrayList<>();
        Chart.one(objects, "ConfigMap").path("data").fieldNames().forEachRemaining(given::add);
        Chart.one(objects, "Secret").path("data").fieldNames().forEachRemaining(given::add);
        assertThat(given).filteredOn(name -> name.startsWith("PULSE_")).isNotEmpty()
                .allSatisfy(name -> assertThat(configuration).as(name).containsPattern(Pattern.quote("${" + name) + "(:|}|:-)"));
    }

    /** The job's arguments and PULSE_* variables are parameters RollupJobConfig reads. */
    @Test
    void theJobIsGivenOnlyParametersItReads() throws IOException {
        String jobConfiguration = Files.readString(Chart.ROOT.resolve("flink-jobs/src/main/java/io/pulse/rollup/RollupJobConfig.java"));
        JsonNode args = Chart.one(Chart.objects(Environment.PRODUCTION), "FlinkDeployment").path("spec").path("job").path("args");
        assertThat(args.size()).as("every argument a name and a value").isEven();
        for (int i = 0; i < args.size(); i += 2) {
            String name = args.get(i).asText();
            assertThat(name).startsWith("--");
            assertThat(jobConfiguration).as(name).contains("\"" + name.substring(2) + "\"");
        }
        flinkPodTemplate(Environment.PRODUCTION).getSpec().getContainers().get(0).getEnv().stream()
                .map(variable -> variable.getName()).filter(name -> name.startsWith("PULSE_"))
                .forEach(name -> assertThat(jobConfiguration).as(name).contains("\"" + name + "\""));
    }

    @Test
    void imageReferencesArePinnedOnlyWithATagOrADigest() {
        assertPinned("pulse/serving-api:0.1.0", "a tag");
        assertPinned("registry.example.com:5000/pulse/serving-api:0.1.0@sha256:" + "a".repeat(64), "a tag and a digest");
        assertPinned("pulse/serving-api@sha256:" + "b".repeat(64), "a digest");
        assertThatThrownBy(() -> assertPinned("pulse/serving-api", "untagged"))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertPinned("pulse/serving-api:latest", "latest"))
                .isInstanceOf(AssertionError.class);
    }

    private static void assertResources(Container container, String what) {
        assertThat(container.getResources()).as(what + "'s resources").isNotNull();
        assertThat(container.getResources().getRequests()).as(what + "'s requests").containsKeys("cpu", "memory");
        assertThat(container.getResources().getLimits()).as(what + "'s limits").containsKey("memory");
        assertThat(container.getResources().getLimits()).as(what + "'s limits").containsKey("cpu");
    }

    /** runAsNonRoot and a non-zero uid, from the container's security context or else the pod's. */
    private static void assertNonRoot(PodSecurityContext pod, SecurityContext container, String what) {
        Boolean nonRoot = container != null && container.getRunAsNonRoot() != null ? container.getRunAsNonRoot()
                : pod == null ? null : pod.getRunAsNonRoot();
        Long user = container != null && container.getRunAsUser() != null ? container.getRunAsUser()
                : pod == null ? null : pod.getRunAsUser();
        assertThat(nonRoot).as(what + " runAsNonRoot").isTrue();
        assertThat(user).as(what + " runAsUser").isNotNull().isNotZero();
    }
}
