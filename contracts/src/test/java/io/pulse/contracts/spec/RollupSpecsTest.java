package io.pulse.contracts.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pulse.contracts.event.Event;
import io.pulse.contracts.rollup.Granularity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RollupSpecsTest {

    private static final String VALID = """
            name: checkout
            version: 3
            source:
              tenants: [acme]
              metrics: ["checkout.*"]
              where: { region: [eu, us] }
            series:
              dimensions: [region]
              distinct: user
              maxSeriesPerMetric: 500
            windows:
              tumbling: [1m, 10s]
              sliding: [{ size: 5m, slide: 10s }]
            aggregates: [count, sum, quantiles]
            allowedLateness: 0s
            retention: { 1m: 30d }
            """;

    @Test
    void readsAValidSpecWithItsDefaultsAndWindowsFinestFirst() {
        RollupSpec spec = RollupSpecs.validate(VALID).orThrow();

        assertThat(spec.name()).isEqualTo("checkout");
        assertThat(spec.version()).isEqualTo(3);
        assertThat(spec.granularities()).containsExactly(Granularity.TEN_SECONDS, Granularity.ONE_MINUTE,
                Granularity.SLIDING_FIVE_MINUTES);
        assertThat(spec.aggregates()).containsExactlyInAnyOrder(Aggregate.COUNT, Aggregate.SUM, Aggregate.QUANTILES);
        assertThat(spec.allowedLateness()).isZero();
        assertThat(spec.retention()).containsExactly(Map.entry("1m", Duration.ofDays(30)));
        assertThat(spec.series().dimensions()).containsExactly("region");
    }

    @Test
    void jsonIsReadLikeYaml() {
        String json = """
                {"name": "j", "version": 1, "windows": {"tumbling": ["1h"]}, "aggregates": ["count"]}""";
        RollupSpec spec = RollupSpecs.validate(json).orThrow();

        assertThat(spec.granularities()).containsExactly(Granularity.ONE_HOUR);
        assertThat(spec.source().tenants()).containsExactly("*");
        assertThat(spec.series().distinct()).isEqualTo("user");
        assertThat(spec.allowedLateness()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void theSourceSelectsByTenantMetricPatternAndDimensionValues() {
        RollupSpec.Source source = RollupSpecs.validate(VALID).orThrow().source();

        assertThat(source.selects(event("acme", "checkout.latency", Map.of("region", "eu")))).isTrue();
        assertThat(source.selects(event("acme", "checkout", Map.of("region", "eu")))).isFalse();
        assertThat(source.selects(event("acme", "checkout.x", Map.of("region", "apac")))).isFalse();
        assertThat(source.selects(event("acme", "checkout.x", Map.of()))).isFalse();
        assertThat(source.selects(event("globex", "checkout.latency", Map.of("region", "eu")))).isFalse();
        assertThat(RollupSpecs.defaultSpec().source().selects(event("any", "thing", Map.of()))).isTrue();
    }

    @Test
    void theDefaultSpecIsTodaysRollups() {
        RollupSpec spec = RollupSpecs.defaultSpec();

        assertThat(spec.name()).isEqualTo("default");
        assertThat(spec.granularities()).containsExactly(Granularity.TEN_SECONDS, Granularity.ONE_MINUTE,
                Granularity.ONE_HOUR, Granularity.SLIDING_FIVE_MINUTES);
        assertThat(spec.aggregates()).containsExactlyInAnyOrder(Aggregate.values());
        assertThat(spec.series().dimensions()).isNull();
        assertThat(spec.series().distinct()).isEqualTo("user");
        assertThat(spec.series().maxSeriesPerMetric()).isEqualTo(10_000);
        assertThat(spec.allowedLateness()).isEqualTo(Duration.ofSeconds(60));
        // equal to the tables' retention of migration V1
        assertThat(spec.retention()).containsOnly(Map.entry("10s", Duration.ofDays(7)),
                Map.entry("5m-every-10s", Duration.ofDays(2)), Map.entry("1m", Duration.ofDays(90)),
                Map.entry("1h", Duration.ofDays(730)));
    }

    // one test per error class, each with its path and message

    @Test
    void unreadableText() {
        assertThat(RollupSpecs.validate("name: [unclosed").errors()).singleElement().satisfies(problem -> {
            assertThat(problem.kind()).isEqualTo(SpecProblem.Kind.UNREADABLE);
            assertThat(problem.message()).startsWith("not YAML or JSON");
        });
        assertThat(RollupSpecs.validate("name: a\nname: b\n").errors()).singleElement()
                .satisfies(problem -> assertThat(problem.message()).contains("Duplicate field 'name'"));
        assertThat(RollupSpecs.validate("x".repeat(RollupSpecs.MAX_SPEC_BYTES + 1)).errors()).singleElement()
                .satisfies(problem -> assertThat(problem.message()).isEqualTo("the spec is larger than 64 KiB"));
    }

    @Test
    void schemaErrorsCarryTheirPath() {
        String spec = """
                name: Bad Name
                version: 0
                windows: { tumbling: [10 seconds] }
                aggregates: [count]
                colour: red
                """;
        List<SpecProblem> errors = RollupSpecs.validate(spec).errors();

        assertThat(errors).allMatch(problem -> problem.kind() == SpecProblem.Kind.SCHEMA);
        assertThat(errors).extracting(SpecProblem::path).contains("/name", "/version", "/windows/tumbling/0", "");
        assertThat(errors).filteredOn(problem -> problem.path().equals("/version")).singleElement()
                .satisfies(problem -> assertThat(problem.message()).contains("minimum value of 1"));
        assertThat(errors).filteredOn(problem -> problem.path().isEmpty()).singleElement()
                .satisfies(problem -> assertThat(problem.message()).contains("colour"));
    }

    @Test
    void aMissingRequiredFieldIsNamed() {
        assertThat(RollupSpecs.validate("name: x\nversion: 1\naggregates: [count]\n").errors()).singleElement()
                .satisfies(problem -> {
                    assertThat(problem.kind()).isEqualTo(SpecProblem.Kind.SCHEMA);
                    assertThat(problem.message()).contains("required property 'windows' not found");
                });
    }

    @Test
    void unknownAggregate() {
        assertThat(errorsOf("aggregates: [count, p99]")).singleElement().isEqualTo(new SpecProblem(
                SpecProblem.Kind.UNKNOWN_AGGREGATE, "/aggregates/1",
                "unknown aggregate 'p99'; known are count, sum, min, max, mean, quantiles, distinct"));
    }

    @Test
    void slidingWindowNotAMultipleOfItsSlide() {
        assertThat(errorsOf("windows: { tumbling: [10s], sliding: [{ size: 5m, slide: 7m }] }")).singleElement()
                .isEqualTo(new SpecProblem(SpecProblem.Kind.SLIDING_NOT_MULTIPLE_OF_SLIDE, "/windows/sliding/0",
                        "size 5m is not a whole number (2 or more) of its slide 7m"));
    }

    @Test
    void windowNotAMultipleOfThePane() {
        assertThat(errorsOf("windows: { tumbling: [15s] }")).singleElement().isEqualTo(new SpecProblem(
                SpecProblem.Kind.NOT_MULTIPLE_OF_PANE, "/windows/tumbling/0",
                "15s is not a whole number of the job's 10s panes"));
    }

    @Test
    void windowNoTableStores() {
        assertThat(errorsOf("windows: { tumbling: [10s, 2m] }")).singleElement().isEqualTo(new SpecProblem(
                SpecProblem.Kind.UNSUPPORTED_WINDOW, "/windows/tumbling/1",
                "no rollup table stores 2m windows; stored are 10s, 1m, 1h, 5m-every-10s"));
        assertThat(errorsOf("windows: { tumbling: [1m, 60s] }")).singleElement()
                .satisfies(problem -> assertThat(problem.message()).isEqualTo("the window 1m is listed twice"));
    }

    @Test
    void retentionShorterThanTheWindow() {
        assertThat(errorsOf("retention: { 1h: 30m }")).singleElement().isEqualTo(new SpecProblem(
                SpecProblem.Kind.RETENTION_SHORTER_THAN_WINDOW, "/retention/1h",
                "keeps 30m, shorter than the 1h window itself"));
    }

    @Test
    void retentionOfAWindowTheSpecDoesNotHave() {
        assertThat(errorsOf("retention: { 1m: 30d }")).singleElement().isEqualTo(new SpecProblem(
                SpecProblem.Kind.RETENTION_OF_UNKNOWN_WINDOW, "/retention/1m",
                "'1m' is not one of this spec's windows (10s, 1h)"));
    }

    @Test
    void distinctDimensionAmongTheSeriesDimensions() {
        assertThat(errorsOf("series: { dimensions: [region, user] }")).singleElement().isEqualTo(new SpecProblem(
                SpecProblem.Kind.DISTINCT_IN_SERIES, "/series/dimensions",
                "'user' is the distinct dimension and cannot also be a series dimension"));
    }

    @Test
    void sketchSettingsOtherThanTheStoredRows() {
        assertThat(errorsOf("quantiles: { relativeAccuracy: 0.02 }")).singleElement().isEqualTo(new SpecProblem(
                SpecProblem.Kind.UNSUPPORTED_SKETCH_SETTING, "/quantiles/relativeAccuracy",
                "0.02 differs from the stored rows' 0.01; rows of every rollup are merged with each other, so this setting is fixed"));
    }

    @Test
    void everyErrorIsReportedNotJustTheFirst() {
        String spec = """
                name: many
                version: 1
                windows: { tumbling: [15s], sliding: [{ size: 5m, slide: 7m }] }
                aggregates: [p99, median]
                """;
        assertThat(RollupSpecs.validate(spec).errors()).extracting(SpecProblem::kind).containsExactly(
                SpecProblem.Kind.NOT_MULTIPLE_OF_PANE, SpecProblem.Kind.SLIDING_NOT_MULTIPLE_OF_SLIDE,
                SpecProblem.Kind.UNKNOWN_AGGREGATE, SpecProblem.Kind.UNKNOWN_AGGREGATE);
        assertThatThrownBy(() -> RollupSpecs.validate(spec).orThrow()).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("/aggregates/1: unknown aggregate 'median'");
    }

    /** The errors of a small valid spec (10 s and 1 h windows) with {@code line} added. */
    private static List<SpecProblem> errorsOf(String line) {
        String base = "name: t\nversion: 1\n";
        if (!line.startsWith("windows:")) {
            base += "windows: { tumbling: [10s, 1h] }\n";
        }
        if (!line.startsWith("aggregates:")) {
            base += "aggregates: [count]\n";
        }
        return RollupSpecs.validate(base + line + "\n").errors();
    }

    private static Event event(String tenant, String metric, Map<String, String> dimensions) {
        return new Event(tenant, metric, 0, 1, dimensions, null);
    }
}
