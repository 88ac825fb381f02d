package io.pulse.serving.tools;

import io.micronaut.context.ApplicationContext;
import io.pulse.contracts.testing.IdentityProvider;
import io.pulse.contracts.testing.Machine;
import io.pulse.serving.query.QueryEngine;
import io.pulse.serving.query.SeriesQuery;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Database time of the dashboard mix's series panels ({@link DashboardMix}), without HTTP or cache: for each shape, {@code --runs}
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
            for (DashboardMix.Panel panel : DashboardMix.PANELS) {
                if (panel.call().make(random, Instant.now()).query() != null) {
                    shapes.put(panel.name(), now -> panel.call().make(random, now).query());
                }
            }
            System.out.println("machine: " + Machine.describe());
            System.out.printf("%-40s %8s %8s %8s   %8s %8s %8s  (ms, %d runs each, after %d warm-up)%n", "shape",
                    "db p50", "db p95", "db p99", "eng p50", "eng p95", "eng p99", runs, runs / 4);
            for (Map.Entry<String, Function<Instant, SeriesQuery>> shape : shapes.entrySet()) {
                measure(engine, shape.getValue(), runs / 4);
                double[][] times = measure(engine, shape.getValue(), runs);
                System.out.printf("%-40s %8.2f %8.2f %8.2f   %8.2f %8.2f %8.2f%n", shape.getKey(),
                        percentile(times[0], 50), percentile(times[0], 95), percentile(times[0], 99),
                        percentile(times[1], 50), percentile(times[1], 95), percentile(times[1], 99));
            }
        } finally {
            IdentityProvider.stopShared();
        }
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
