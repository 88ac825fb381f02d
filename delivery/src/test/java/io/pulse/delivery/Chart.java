package io.pulse.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The Helm chart {@code helm/pulse} and its environments: rendering ({@code helm template}) and linting
 * ({@code helm lint}) through helm-java, which runs Helm 3 as a native library (no helm binary needed), and
 * the committed renderings in {@code k8s/<environment>/pulse.yaml}. Tests run from the module directory, so
 * the repository root is {@code ..}.
 */
final class Chart {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path CHART = ROOT.resolve("helm/pulse");
    /** The alert and recording rules: docker-compose's Prometheus loads this file, the PrometheusRule emits it. */
    static final Path RULES = CHART.resolve("files/prometheus/pulse-alerts.yml");
    static final String RELEASE = "pulse";
    /**
     * The Kubernetes version the chart is rendered for (helm-java's library knows no cluster and would assume
     * v1.20, below the chart's kubeVersion).
     */
    static final String KUBE_VERSION = "1.31.0";
    /** Set to 1 to rewrite k8s/ from the chart instead of checking it (docs/deployment.md). */
    static final String WRITE_MANIFESTS = "PULSE_WRITE_MANIFESTS";

    static final YAMLMapper YAML = new YAMLMapper();

    /** The environments whose renderings are committed under k8s/. */
    enum Environment {
        DEFAULT("default", null, "pulse"),
        STAGING("staging", "values-staging.yaml", "pulse-staging"),
        PRODUCTION("production", "values-production.yaml", "pulse");

        final String directory;
        final String valuesFile;
        final String namespace;

        Environment(String directory, String valuesFile, String namespace) {
            this.directory = directory;
            this.valuesFile = valuesFile;
            this.namespace = namespace;
        }

        /** The committed rendering. */
        Path manifestFile() {
            return ROOT.resolve("k8s").resolve(directory).resolve("pulse.yaml");
        }

        /** How the rendering is made, for people reading it. */
        String describe() {
            return "helm template " + RELEASE + " helm/pulse --namespace " + namespace + " --kube-version " + KUBE_VERSION
                    + (valuesFile == null ? "" : " -f helm/pulse/" + valuesFile);
        }
    }

    private static final Map<Environment, String> RENDERED = new ConcurrentHashMap<>();

    private Chart() {
    }

    /** {@code helm template} of one environment (cached: the chart does not change while tests run). */
    static String render(Environment environment) {
        return RENDERED.computeIfAbsent(environment, env -> render(env, Map.of()));
    }

    /** {@code helm template} of one environment with {@code --set} overrides. */
    static String render(Environment environment, Map<String, String> overrides) {
        TemplateCommand template = new Helm(CHART).template()
                .withName(RELEASE)
                .withNamespace(environment.namespace)
                .withKubeVersion(KUBE_VERSION);
        if (environment.valuesFile != null) {
            template.withValuesFile(CHART.resolve(environment.valuesFile));
        }
        overrides.forEach(template::set);
        return template.call();
    }

    /** The objects of one environment's rendering. */
    static List<JsonNode> objects(Environment environment) {
        return objects(render(environment));
    }

    /** The objects of a multi-document YAML stream, empty documents left out. */
    static List<JsonNode> objects(String yaml) {
        List<JsonNode> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document != null && document.isObject() && !document.isEmpty()) {
                    objects.add(document);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return objects;
    }

    static List<JsonNode> ofKind(List<JsonNode> objects, String kind) {
        return objects.stream().filter(object -> kind.equals(object.path("kind").asText())).toList();
    }

    static JsonNode one(List<JsonNode> objects, String kind) {
        List<JsonNode> found = ofKind(objects, kind);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + ", found " + found.size());
        }
        return found.get(0);
    }

    /** What k8s/<environment>/pulse.yaml must hold: a header that says where it comes from, then the rendering. */
    static String manifest(Environment environment) {
        return "# Rendered from the Helm chart: " + environment.describe() + "\n"
                + "# Do not edit: change the chart or its values, then regenerate k8s/ (docs/deployment.md):\n"
                + "#   cd delivery && " + WRITE_MANIFESTS + "=1 mvn -B -q test -Dtest=RenderedManifestsTest\n"
                + render(environment);
    }

    /**
     * {@code helm lint --strict} of one environment. helm-java lints a chart with its own values.yaml only, so
     * the chart is copied to a temporary folder whose values.yaml is the environment's file merged over the
     * defaults, as Helm merges a {@code -f} file (maps key by key, anything else replaced).
     */
    static LintResult lint(Environment environment) throws IOException {
        Path copy = Files.createTempDirectory("pulse-chart-").resolve("pulse");
        try {
            copyTree(CHART, copy);
            if (environment.valuesFile != null) {
                JsonNode merged = merge(YAML.readTree(CHART.resolve("values.yaml").toFile()),
                        YAML.readTree(CHART.resolve(environment.valuesFile).toFile()));
                YAML.writeValue(copy.resolve("values.yaml").toFile(), merged);
            }
            return new Helm(copy).lint().strict().call();
        } finally {
            deleteTree(copy.getParent());
        }
    }

    /** Helm's merge of a values file over another: maps key by key, a null removes the key, the rest replaced. */
    static JsonNode merge(JsonNode base, JsonNode override) {
        if (!(base instanceof ObjectNode baseObject) || override == null || !override.isObject()) {
            return override == null ? base : override.deepCopy();
        }
        ObjectNode merged = baseObject.deepCopy();
        Iterator<Map.Entry<String, JsonNode>> fields = override.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getValue().isNull()) {
                merged.remove(field.getKey());
            } else {
                merged.set(field.getKey(), merge(merged.get(field.getKey()), field.getValue()));
            }
        }
        return merged;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
