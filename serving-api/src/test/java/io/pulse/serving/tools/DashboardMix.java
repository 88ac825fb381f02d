package io.pulse.serving.tools;

import io.pulse.contracts.rollup.Granularity;
import io.pulse.serving.query.Aggregate;
import io.pulse.serving.query.DimensionFilter;
import io.pulse.serving.query.SeriesQuery;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * A dashboard's query mix over the seeded history ({@link BenchHistory}), the same panels and weights as
 * {@code locust/locustfile.py}. Ranges are aligned to their step, as a refreshing dashboard asks for them,
 * so repeated panels hit the cache as they would in use.
 */
final class DashboardMix {

    /** One request: its method, path with query string, JSON body (POST only), and the series query it runs. */
    record Call(String method, String target, String body, SeriesQuery query) {
    }

    /** A panel of the mix; {@code call} picks its metric and region with the random source. */
    record Panel(String name, int weight, CallMaker call) {
    }

    interface CallMaker {
        Call make(SplittableRandom random, Instant now);
    }

    private static final String GRAPHQL = "query($m: String!, $f: String!, $t: String!) { series(metric: $m, from: $f,"
            + " to: $t, step: \"1m\", aggregate: \"p99\", groupBy: [\"region\"]) { series { group { value } points { time value } } } }";

    static final List<Panel> PANELS = List.of(
            new Panel("v2 series 1h/10s p95 by region", 4, (random, now) -> series(random, now, "/v2",
                    Duration.ofHours(1), Granularity.TEN_SECONDS, Aggregate.P95, List.of("region"), List.of(), 0)),
            new Panel("v1 series 6h/1m mean, one region", 3, (random, now) -> series(random, now, "/v1",
                    Duration.ofHours(6), Granularity.ONE_MINUTE, Aggregate.MEAN, List.of(),
                    List.of(new DimensionFilter("region", DimensionFilter.Operator.EQUALS, List.of(pick(random, BenchHistory.REGIONS)))), 0)),
            new Panel("v2 series 7d/1h p99 top-10 services", 2, (random, now) -> series(random, now, "/v2",
                    Duration.ofDays(7), Granularity.ONE_HOUR, Aggregate.P99, List.of("service"), List.of(), 10)),
            new Panel("v2 series 30d/1h count", 1, (random, now) -> series(random, now, "/v2",
                    Duration.ofDays(30), Granularity.ONE_HOUR, Aggregate.COUNT, List.of(), List.of(), 0)),
            new Panel("v2 metric catalog", 1, (random, now) -> new Call("GET", "/v2/metrics", null, null)),
            new Panel("v2 correlation 3 metrics 24h", 1, (random, now) -> {
                List<String> metrics = new ArrayList<>(BenchHistory.METRICS);
                List<String> three = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    three.add(metrics.remove(random.nextInt(metrics.size())));
                }
                three.sort(null); // a panel shows its metrics in one order: 120 panels, not 720
                Instant[] range = aligned(now, Duration.ofDays(1), Duration.ofHours(1));
                return new Call("GET", "/v2/heatmaps/correlation?metrics=" + String.join(",", three) + "&from=" + range[0]
                        + "&to=" + range[1], null, null);
            }),
            new Panel("graphql series 1h/1m p99 by region", 2, (random, now) -> {
                String metric = pick(random, BenchHistory.METRICS);
                Instant[] range = aligned(now, Duration.ofHours(1), Duration.ofMinutes(1));
                String body = "{\"query\":\"" + GRAPHQL.replace("\"", "\\\"") + "\",\"variables\":{\"m\":\"" + metric
                        + "\",\"f\":\"" + range[0] + "\",\"t\":\"" + range[1] + "\"}}";
                return new Call("POST", "/graphql", body, new SeriesQuery(metric, range[0], range[1],
                        Granularity.ONE_MINUTE, Aggregate.P99, List.of("region"), List.of(), 0));
            }));

    private DashboardMix() {
    }

    /** Picks a panel with probability proportional to its weight. */
    static Panel pick(SplittableRandom random) {
        int total = PANELS.stream().mapToInt(Panel::weight).sum();
        int draw = random.nextInt(total);
        for (Panel panel : PANELS) {
            draw -= panel.weight();
            if (draw < 0) {
                return panel;
            }
        }
        throw new IllegalStateException("weights changed while picking");
    }

    private static Call series(SplittableRandom random, Instant now, String version, Duration range, Granularity step,
                               Aggregate aggregate, List<String> groupBy, List<DimensionFilter> filters, int limit) {
        String metric = pick(random, BenchHistory.METRICS);
        Instant[] window = aligned(now, range, Duration.ofMillis(step.sizeMillis()));
        StringBuilder target = new StringBuilder(version + "/metrics/" + metric + "/series?from=" + window[0]
                + "&to=" + window[1] + "&step=" + step.code() + "&aggregate=" + aggregate.code());
        if (!groupBy.isEmpty()) {
            target.append("&groupBy=").append(String.join(",", groupBy));
        }
        filters.forEach(f -> target.append("&filter=").append(encode(f.dimension() + ":eq:" + f.values().get(0))));
        if (limit > 0) {
            target.append("&limit=").append(limit);
        }
        return new Call("GET", target.toString(), null,
                new SeriesQuery(metric, window[0], window[1], step, aggregate, groupBy, filters, limit));
    }

    /** [now - range, now) with both ends aligned down to {@code align}. */
    private static Instant[] aligned(Instant now, Duration range, Duration align) {
        long end = now.toEpochMilli() / align.toMillis() * align.toMillis();
        return new Instant[] {Instant.ofEpochMilli(end - range.toMillis()), Instant.ofEpochMilli(end)};
    }

    private static <T> T pick(SplittableRandom random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The panels' names and weights, for the printed settings. */
    static String describe() {
        return PANELS.stream().map(p -> p.name() + " (" + p.weight() + ")").collect(Collectors.joining(", "));
    }
}
