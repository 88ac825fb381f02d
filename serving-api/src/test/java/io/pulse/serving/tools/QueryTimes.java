package io.pulse.serving.tools;

import io.micronaut.context.ApplicationContext;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.testing.IdentityProvider;
import io.pulse.contracts.testing.Machine;
import io.pulse.serving.query.Aggregate;
import io.pulse.serving.query.DimensionFilter;
import io.pulse.serving.query.QueryEngine;
import io.pulse.serving.query.SeriesQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Database time of the Locust mix's query shapes, without HTTP or cache: for each shape, {@code --runs}
 * (200) executions of its SQL with the rows fetched and their sketches decoded ("db"), and the engine's
 * whole answer including the sketch merges ("engine"). Prints p50/p95/p99 in ms.
 */
public final class QueryTimes {

    private QueryTimes() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.parse(args);
        int runs = Integer.parseInt(options.getOrDefault("runs", "200"));
        Map<String, Object> properties = new HashMap<>(IdentityProvider.shared().serverProperties());
        properties.putAll(Map.of(
                "datasources.default.url", options.getOrDefault("jdbc-url", "jdbc:postgresql://127.0.0.1:5432/pulse_bench"),
                "datasources.default.username", "postgres", "datasources.default.password", "",
                "pulse.schema.manage", false));
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            QueryEngine engine = context.getBean(QueryEngine.class);
            SplittableRandom random = new SplittableRandom(1);
            Map<String, Function<Instant, SeriesQuery>> shapes = new LinkedHashMap<>();
            shapes.put("1h/10s p95 by region", now -> query(random, now, Duration.ofHours(1), Granularity.TEN_SECONDS,
                    Aggregate.P95, List.of("region"), List.of(), 0));
            shapes.put("6h/1m mean, one region", now -> query(random, now, Duration.ofHours(6), Granularity.ONE_MINUTE,
                    Aggregate.MEAN, List.of(), List.of(new DimensionFilter("region", DimensionFilter.Operator.EQUALS,
                            List.of(BenchHistory.REGIONS.get(random.nextInt(BenchHistory.REGIONS.size()))))), 0));
            shapes.put("7d/1h p99 top-10 services", now -> query(random, now, Duration.ofDays(7), Granularity.ONE_HOUR,
                    Aggregate.P99, List.of("service"), List.of(), 10));
            shapes.put("30d/1h count", now -> query(random, now, Duration.ofDays(30), Granularity.ONE_HOUR,
                    Aggregate.COUNT, List.of(), List.of(), 0));
            shapes.put("1h/1m p99 by region", now -> query(random, now, Duration.ofHours(1), Granularity.ONE_MINUTE,
                    Aggregate.P99, List.of("region"), List.of(), 0));
            System.out.println("machine: " + Machine.describe());
            System.out.printf("%-28s %8s %8s %8s   %8s %8s %8s  (ms, %d runs each, after %d warm-up)%n", "shape",
                    "db p50", "db p95", "db p99", "eng p50", "eng p95", "eng p99", runs, runs / 4);
            for (Map.Entry<String, Function<Instant, SeriesQuery>> shape : shapes.entrySet()) {
                measure(engine, shape.getValue(), runs / 4);
                double[][] times = measure(engine, shape.getValue(), runs);
                System.out.printf("%-28s %8.2f %8.2f %8.2f   %8.2f %8.2f %8.2f%n", shape.getKey(),
                        percentile(times[0], 50), percentile(times[0], 95), percentile(times[0], 99),
                        percentile(times[1], 50), percentile(times[1], 95), percentile(times[1], 99));
            }
        } finally {
            IdentityProvider.stopShared();
        }
    }

    private static SeriesQuery query(SplittableRandom random, Instant now, Duration range, Granularity step,
                                     Aggregate aggregate, List<String> groupBy, List<DimensionFilter> filters, int limit) {
        String metric = BenchHistory.METRICS.get(random.nextInt(BenchHistory.METRICS.size()));
        return new SeriesQuery(metric, now.minus(range), now, step, aggregate, groupBy, filters, limit);
    }

    /** Per run: [0] rows fetched and decoded, [1] the engine's whole answer; in ms. */
    private static double[][] measure(QueryEngine engine, Function<Instant, SeriesQuery> shape, int runs) {
        double[][] times = new double[2][runs];
        for (int i = 0; i < runs; i++) {
            SeriesQuery query = shape.apply(Instant.now());
            long start = System.nanoTime();
            long[] rows = {0};
            engine.rows(BenchHistory.TENANT, query, query.step(), (dimensions, time, aggregate) -> rows[0]++);
            times[0][i] = (System.nanoTime() - start) / 1e6;
            start = System.nanoTime();
            engine.series(BenchHistory.TENANT, query);
            times[1][i] = (System.nanoTime() - start) / 1e6;
        }
        return times;
    }

    private static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)];
    }
}
