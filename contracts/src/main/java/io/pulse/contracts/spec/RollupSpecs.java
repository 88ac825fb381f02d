package io.pulse.contracts.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.RollupAggregate;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Reads rollup specs (YAML or JSON) and checks them: first against the published JSON Schema, then the
 * rules a schema cannot say. Every error is reported with its path, not just the first.
 */
public final class RollupSpecs {

    public static final String SCHEMA_RESOURCE = "rollup-spec.schema.json";
    /** Larger texts are refused before parsing: a spec is a page, not a data file. */
    public static final int MAX_SPEC_BYTES = 64 * 1024;
    /** The job's pane: every window is assembled from 10 s panes. */
    public static final Duration PANE = Duration.ofSeconds(10);

    private static final ObjectMapper YAML = YAMLMapper.builder(YAMLFactory.builder().build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();
    private static final JsonSchema SCHEMA = loadSchema();
    private static final RollupSpec DEFAULT = validate(resourceText("default-rollup.yaml")).orThrow();

    private RollupSpecs() {
    }

    /** The spec RollupJob runs without {@code --spec}: today's rollups, unchanged. */
    public static RollupSpec defaultSpec() {
        return DEFAULT;
    }

    public static String defaultSpecText() {
        return resourceText("default-rollup.yaml");
    }

    public static String schemaText() {
        return resourceText(SCHEMA_RESOURCE);
    }

    /** Reads {@code text} and checks it; never throws for bad input. */
    public static SpecValidation validate(String text) {
        if (text.getBytes(StandardCharsets.UTF_8).length > MAX_SPEC_BYTES) {
            return unreadable("the spec is larger than " + MAX_SPEC_BYTES / 1024 + " KiB");
        }
        JsonNode document;
        try {
            document = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            return unreadable("not YAML or JSON: " + e.getOriginalMessage());
        }
        if (document == null || document.isMissingNode()) {
            return unreadable("the spec is empty");
        }
        List<SpecProblem> errors = schemaErrors(document);
        if (!errors.isEmpty()) {
            return new SpecValidation(Optional.empty(), document, errors);
        }
        SpecReading reading = new SpecReading(document);
        RollupSpec spec = reading.spec();
        return reading.errors().isEmpty()
                ? new SpecValidation(Optional.of(spec), document, List.of())
                : new SpecValidation(Optional.empty(), document, reading.errors());
    }

    /** The document as JSON with sorted keys: equal specs give equal text, and diffs stay small. */
    public static String canonicalJson(JsonNode document) {
        try {
            return JSON.writeValueAsString(JSON.treeToValue(document, Object.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode readTree(String jsonOrYaml) {
        try {
            return YAML.readTree(jsonOrYaml);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
    }

    private static SpecValidation unreadable(String message) {
        return new SpecValidation(Optional.empty(), null, List.of(new SpecProblem(SpecProblem.Kind.UNREADABLE, "", message)));
    }

    private static List<SpecProblem> schemaErrors(JsonNode document) {
        return SCHEMA.validate(document).stream()
                .sorted(Comparator.comparing((ValidationMessage m) -> m.getInstanceLocation().toString())
                        .thenComparing(ValidationMessage::getError))
                .map(m -> new SpecProblem(SpecProblem.Kind.SCHEMA, m.getInstanceLocation().toString(), m.getError()))
                .distinct()
                .toList();
    }

    private static JsonSchema loadSchema() {
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER).build();
        try (InputStream schema = RollupSpecs.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String resourceText(String name) {
        try (InputStream in = RollupSpecs.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Binds a schema-valid document, filling defaults and collecting the semantic errors. */
    private static final class SpecReading {

        private final JsonNode document;
        private final List<SpecProblem> errors = new ArrayList<>();

        SpecReading(JsonNode document) {
            this.document = document;
        }

        List<SpecProblem> errors() {
            return errors;
        }

        RollupSpec spec() {
            JsonNode source = document.path("source");
            JsonNode series = document.path("series");
            RollupSpec.Series seriesSpec = new RollupSpec.Series(
                    series.path("dimensions").isArray() ? strings(series.path("dimensions")) : null,
                    series.path("distinct").asText("user"),
                    series.path("maxSeriesPerMetric").asInt(10_000));
            if (seriesSpec.dimensions() != null && seriesSpec.dimensions().contains(seriesSpec.distinct())) {
                error(SpecProblem.Kind.DISTINCT_IN_SERIES, "/series/dimensions",
                        "'" + seriesSpec.distinct() + "' is the distinct dimension and cannot also be a series dimension");
            }
            List<RollupSpec.Window> windows = windows();
            return new RollupSpec(document.path("name").asText(), document.path("version").asInt(),
                    document.path("description").asText(""),
                    new RollupSpec.Source(
                            source.has("tenants") ? strings(source.get("tenants")) : List.of(RollupSpec.ALL),
                            source.has("metrics") ? strings(source.get("metrics")) : List.of(RollupSpec.ALL),
                            where(source.path("where"))),
                    seriesSpec, windows, aggregates(),
                    sketchSetting("/quantiles/relativeAccuracy", document.path("quantiles").path("relativeAccuracy"),
                            RollupAggregate.RELATIVE_ACCURACY).doubleValue(),
                    sketchSetting("/distinct/lgK", document.path("distinct").path("lgK"), RollupAggregate.HLL_LG_K).intValue(),
                    document.has("allowedLateness") ? SpecDurations.parse(document.get("allowedLateness").asText())
                            : Duration.ofSeconds(60),
                    retention(windows));
        }

        private List<RollupSpec.Window> windows() {
            List<RollupSpec.Window> tumbling = new ArrayList<>();
            JsonNode tumblingNodes = document.path("windows").path("tumbling");
            for (int i = 0; i < tumblingNodes.size(); i++) {
                Duration size = SpecDurations.parse(tumblingNodes.get(i).asText());
                window("/windows/tumbling/" + i, size, size).ifPresent(tumbling::add);
            }
            tumbling.sort(Comparator.comparing(RollupSpec.Window::size));
            List<RollupSpec.Window> all = new ArrayList<>(tumbling);
            JsonNode slidingNodes = document.path("windows").path("sliding");
            for (int i = 0; i < slidingNodes.size(); i++) {
                String path = "/windows/sliding/" + i;
                Duration size = SpecDurations.parse(slidingNodes.get(i).path("size").asText());
                Duration slide = SpecDurations.parse(slidingNodes.get(i).path("slide").asText());
                if (size.toMillis() % slide.toMillis() != 0 || size.equals(slide)) {
                    error(SpecProblem.Kind.SLIDING_NOT_MULTIPLE_OF_SLIDE, path, "size " + SpecDurations.format(size)
                            + " is not a whole number (2 or more) of its slide " + SpecDurations.format(slide));
                    continue;
                }
                window(path, size, slide).ifPresent(all::add);
            }
            Set<String> seen = new java.util.HashSet<>();
            for (RollupSpec.Window window : all) {
                if (!seen.add(window.code())) {
                    error(SpecProblem.Kind.UNSUPPORTED_WINDOW, "/windows", "the window " + window.code() + " is listed twice");
                }
            }
            return List.copyOf(all);
        }

        private Optional<RollupSpec.Window> window(String path, Duration size, Duration slide) {
            if (slide.toMillis() % PANE.toMillis() != 0) {
                error(SpecProblem.Kind.NOT_MULTIPLE_OF_PANE, path, SpecDurations.format(slide)
                        + " is not a whole number of the job's " + SpecDurations.format(PANE) + " panes");
                return Optional.empty();
            }
            String code = size.equals(slide) ? SpecDurations.format(size)
                    : SpecDurations.format(size) + "-every-" + SpecDurations.format(slide);
            boolean stored = Arrays.stream(Granularity.values()).anyMatch(g -> g.code().equals(code));
            if (!stored) {
                error(SpecProblem.Kind.UNSUPPORTED_WINDOW, path, "no rollup table stores " + code + " windows; stored are "
                        + Arrays.stream(Granularity.values()).map(Granularity::code).collect(Collectors.joining(", ")));
                return Optional.empty();
            }
            return Optional.of(new RollupSpec.Window(code, size, slide));
        }

        private Set<Aggregate> aggregates() {
            Set<Aggregate> aggregates = EnumSet.noneOf(Aggregate.class);
            JsonNode nodes = document.path("aggregates");
            for (int i = 0; i < nodes.size(); i++) {
                String code = nodes.get(i).asText();
                Optional<Aggregate> aggregate = Aggregate.ofCode(code);
                if (aggregate.isEmpty()) {
                    error(SpecProblem.Kind.UNKNOWN_AGGREGATE, "/aggregates/" + i, "unknown aggregate '" + code + "'; known are "
                            + Arrays.stream(Aggregate.values()).map(Aggregate::code).collect(Collectors.joining(", ")));
                }
                aggregate.ifPresent(aggregates::add);
            }
            return aggregates;
        }

        private Number sketchSetting(String path, JsonNode node, Number stored) {
            if (!node.isMissingNode() && node.numberValue().doubleValue() != stored.doubleValue()) {
                error(SpecProblem.Kind.UNSUPPORTED_SKETCH_SETTING, path, node.asText() + " differs from the stored rows' "
                        + stored + "; rows of every rollup are merged with each other, so this setting is fixed");
            }
            return stored;
        }

        private Map<String, Duration> retention(List<RollupSpec.Window> windows) {
            Map<String, Duration> retention = new TreeMap<>();
            document.path("retention").fields().forEachRemaining(entry -> {
                String path = "/retention/" + entry.getKey().replace("~", "~0").replace("/", "~1");
                Duration kept = SpecDurations.parse(entry.getValue().asText());
                Optional<RollupSpec.Window> window = windows.stream().filter(w -> w.code().equals(entry.getKey())).findFirst();
                if (window.isEmpty()) {
                    error(SpecProblem.Kind.RETENTION_OF_UNKNOWN_WINDOW, path, "'" + entry.getKey()
                            + "' is not one of this spec's windows ("
                            + windows.stream().map(RollupSpec.Window::code).collect(Collectors.joining(", ")) + ")");
                } else if (kept.compareTo(window.get().size()) < 0) {
                    error(SpecProblem.Kind.RETENTION_SHORTER_THAN_WINDOW, path, "keeps " + SpecDurations.format(kept)
                            + ", shorter than the " + SpecDurations.format(window.get().size()) + " window itself");
                } else {
                    retention.put(entry.getKey(), kept);
                }
            });
            return retention;
        }

        private static Map<String, List<String>> where(JsonNode where) {
            Map<String, List<String>> filters = new LinkedHashMap<>();
            where.fields().forEachRemaining(entry -> filters.put(entry.getKey(), strings(entry.getValue())));
            return filters;
        }

        private static List<String> strings(JsonNode array) {
            List<String> values = new ArrayList<>();
            array.forEach(value -> values.add(value.asText()));
            return List.copyOf(values);
        }

        private void error(SpecProblem.Kind kind, String path, String message) {
            errors.add(new SpecProblem(kind, path, message));
        }
    }
}
