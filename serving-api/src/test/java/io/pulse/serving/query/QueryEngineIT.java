package io.pulse.serving.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.micronaut.context.ApplicationContext;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.schema.Migrations;
import io.pulse.contracts.testing.TestServices;
import io.pulse.serving.testing.RollupRows;
import io.pulse.serving.testing.ServingProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The query engine on real PostgreSQL rows written in the rollup job's format. */
class QueryEngineIT {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final TestServices.Postgres POSTGRES = TestServices.postgres();
    private static String url;
    private static ApplicationContext context;
    private static QueryEngine engine;
    /** Values written per (region, minute), to compute the truth independently. */
    private static final Map<String, List<Double>> WRITTEN = new java.util.HashMap<>();

    @BeforeAll
    static void seed() throws Exception {
        url = POSTGRES.createDatabase("pulse_query");
        Migrations.apply(url, POSTGRES.user(), POSTGRES.password());
        Random random = new Random(4);
        for (int minute = 0; minute < 3; minute++) {
            // eu: many small values; us: few large ones, so averaging per-series percentiles would be wrong
            write("acme", "eu", "ios", minute, values(random, 900, 10, 50));
            write("acme", "us", null, minute, values(random, 100, 1_000, 5_000));
            write("globex", "eu", "ios", minute, values(random, 50, 1, 2));
        }
        context = ApplicationContext.run(ServingProperties.forDatabase(url,
                Map.of("pulse.query.max-points", 1000, "pulse.query.max-groups", 50)));
        engine = context.getBean(QueryEngine.class);
    }

    @AfterAll
    static void close() {
        context.close();
        POSTGRES.dropDatabase(url);
    }

    private static double[] values(Random random, int n, int low, int high) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = low + random.nextInt(high - low) + 0.25;
        }
        return values;
    }

    private static void write(String tenant, String region, String device, int minute, double[] values)
            throws Exception {
        Map<String, String> dimensions = device == null ? Map.of("region", region)
                : Map.of("region", region, "device", device);
        if (tenant.equals("acme")) {
            List<Double> written = WRITTEN.computeIfAbsent(region + minute, k -> new ArrayList<>());
            Arrays.stream(values).forEach(written::add);
        }
        new RollupRows(url, POSTGRES.user(), POSTGRES.password())
                .write(Granularity.ONE_MINUTE, tenant, "latency", dimensions, T0.plusSeconds(60L * minute), values, 40);
    }

    private static SeriesQuery query(Aggregate aggregate, List<String> groupBy, List<DimensionFilter> filters, int limit) {
        return new SeriesQuery("latency", T0, T0.plus(Duration.ofMinutes(3)), Granularity.ONE_MINUTE, aggregate,
                groupBy, filters, limit);
    }

    private static double exactP99(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[(int) Math.floor(0.99 * (sorted.length - 1))];
    }

    @Test
    void percentilesAcrossSeriesComeFromMergedSketchesNotAveragedPercentiles() {
        SeriesResult result = engine.series("acme", query(Aggregate.P99, List.of(), List.of(), 0));
        assertThat(result.step()).isEqualTo("1m");
        assertThat(result.series()).singleElement().satisfies(series -> {
            assertThat(series.events()).isEqualTo(3 * 1_000);
            assertThat(series.points()).hasSize(3);
            for (int minute = 0; minute < 3; minute++) {
                List<Double> all = new ArrayList<>(WRITTEN.get("eu" + minute));
                all.addAll(WRITTEN.get("us" + minute));
                double exact = exactP99(all);
                double averaged = (exactP99(WRITTEN.get("eu" + minute)) + exactP99(WRITTEN.get("us" + minute))) / 2;
                double value = series.points().get(minute).value();
                assertThat(value).isCloseTo(exact, within(exact * RollupAggregate.RELATIVE_ACCURACY));
                assertThat(Math.abs(value - averaged)).isGreaterThan(exact * 0.05);
                assertThat(series.points().get(minute).time()).isEqualTo(T0.plusSeconds(60L * minute).toEpochMilli());
            }
        });
    }

    @Test
    void groupsByDimensionsKeepsTheTopGroupsAndComputesExactAggregates() {
        SeriesResult byRegion = engine.series("acme", query(Aggregate.SUM, List.of("region"), List.of(), 0));
        assertThat(byRegion.series()).extracting(s -> s.group().get("region")).containsExactly("eu", "us");
        double euSum = WRITTEN.get("eu0").stream().mapToDouble(Double::doubleValue).sum();
        assertThat(byRegion.series().get(0).points().get(0).value()).isEqualTo(euSum);

        SeriesResult top = engine.series("acme", query(Aggregate.COUNT, List.of("region", "device"), List.of(), 1));
        assertThat(top.series()).singleElement()
                .satisfies(s -> assertThat(s.group()).isEqualTo(Map.of("region", "eu", "device", "ios")));
        SeriesResult devices = engine.series("acme", query(Aggregate.MAX, List.of("device"), List.of(), 0));
        assertThat(devices.series()).extracting(s -> s.group().get("device")).containsExactly("ios", "");
        assertThat(engine.series("acme", query(Aggregate.DISTINCT, List.of(), List.of(), 0)).series().get(0)
                .points().get(0).value()).isEqualTo(40);
    }

    @Test
    void filtersOnDimensionsIncludingNotOnAMissingDimension() {
        DimensionFilter eu = new DimensionFilter("region", DimensionFilter.Operator.EQUALS, List.of("eu"));
        DimensionFilter both = new DimensionFilter("region", DimensionFilter.Operator.IN, List.of("eu", "us"));
        DimensionFilter notIos = new DimensionFilter("device", DimensionFilter.Operator.NOT, List.of("ios"));
        assertThat(engine.series("acme", query(Aggregate.COUNT, List.of(), List.of(eu), 0)).series().get(0).events())
                .isEqualTo(2_700);
        assertThat(engine.series("acme", query(Aggregate.COUNT, List.of(), List.of(both), 0)).series().get(0).events())
                .isEqualTo(3_000);
        assertThat(engine.series("acme", query(Aggregate.COUNT, List.of(), List.of(notIos), 0)).series().get(0).events())
                .isEqualTo(300);
    }

    @Test
    void aTenantSeesOnlyItsOwnRowsAndInjectedTextIsJustAValue() {
        assertThat(engine.series("globex", query(Aggregate.COUNT, List.of(), List.of(), 0)).series().get(0).events())
                .isEqualTo(150);
        assertThat(engine.series("nobody", query(Aggregate.COUNT, List.of(), List.of(), 0)).series()).isEmpty();
        DimensionFilter injection = new DimensionFilter("region", DimensionFilter.Operator.EQUALS,
                List.of("eu' OR tenant <> 'acme"));
        assertThat(engine.series("acme", query(Aggregate.COUNT, List.of(), List.of(injection), 0)).series()).isEmpty();
        assertThatThrownBy(() -> engine.series("acme", query(Aggregate.COUNT, List.of("region; DROP TABLE rollup_1m"),
                List.of(), 0))).isInstanceOf(QueryException.class).hasMessageNotContaining("DROP");
    }

    @Test
    void picksAStepForASensibleNumberOfPointsAndRefusesRangesTooLarge() {
        SeriesQuery auto = new SeriesQuery("latency", T0, T0.plus(Duration.ofHours(1)), null, Aggregate.COUNT,
                List.of(), List.of(), 0);
        assertThat(engine.stepFor(auto)).isEqualTo(Granularity.TEN_SECONDS);
        assertThat(engine.stepFor(new SeriesQuery("latency", T0, T0.plus(Duration.ofHours(12)), null, Aggregate.COUNT,
                List.of(), List.of(), 0))).isEqualTo(Granularity.ONE_MINUTE);
        assertThat(engine.stepFor(new SeriesQuery("latency", T0, T0.plus(Duration.ofDays(30)), null, Aggregate.COUNT,
                List.of(), List.of(), 0))).isEqualTo(Granularity.ONE_HOUR);
        assertThatThrownBy(() -> engine.series("acme", new SeriesQuery("latency", T0, T0.plus(Duration.ofDays(60)),
                null, Aggregate.COUNT, List.of(), List.of(), 0))).isInstanceOf(QueryException.class)
                .hasMessageContaining("range too large");
        assertThatThrownBy(() -> engine.series("acme", new SeriesQuery("latency", T0, T0.plus(Duration.ofDays(1)),
                Granularity.TEN_SECONDS, Aggregate.COUNT, List.of(), List.of(), 0)))
                .isInstanceOf(QueryException.class);
        assertThatThrownBy(() -> engine.series("acme", new SeriesQuery("Bad Metric", T0, T0.plusSeconds(1), null,
                Aggregate.COUNT, List.of(), List.of(), 0))).isInstanceOf(QueryException.class);
        assertThatThrownBy(() -> engine.series("acme", new SeriesQuery("latency", T0, T0, null,
                Aggregate.COUNT, List.of(), List.of(), 0))).isInstanceOf(QueryException.class);
        assertThat(Aggregate.fromCode("p95")).isEqualTo(Aggregate.P95);
        assertThatThrownBy(() -> Aggregate.fromCode("median")).isInstanceOf(QueryException.class);
        assertThatThrownBy(() -> new DimensionFilter("region", DimensionFilter.Operator.EQUALS, List.of("a", "b")))
                .isInstanceOf(QueryException.class);
    }
}
