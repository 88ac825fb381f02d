package io.pulse.serving.query;

import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.serving.cache.CachedSeries;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Matrices for heatmaps, computed from the same engine's series: Pearson correlation between metrics over
 * aligned buckets, and one metric by hour of day × day of week (UTC).
 */
@Singleton
public class Heatmaps {

    /** {@code values[i][j]}: correlation of {@code metrics[i]} and {@code metrics[j]}; NaN without overlap. */
    public record Correlation(List<String> metrics, String step, double[][] values) { }

    /** {@code values[day][hour]}, day 0 = Monday, hour 0..23 UTC; NaN where no event fell. */
    public record HourByWeekday(String metric, String aggregate, double[][] values) { }

    private static final long MAX_WEEKDAY_RANGE_MILLIS = 400L * 24 * 3_600_000;
    private static final long HOUR_MILLIS = 3_600_000;
    /** How far back an hour may still lack its row: the current one, and the one that just closed. */
    private static final java.time.Duration UNWRITTEN_HOURS = java.time.Duration.ofHours(2);

    private final QueryEngine engine;
    private final CachedSeries cachedSeries;

    public Heatmaps(QueryEngine engine, CachedSeries cachedSeries) {
        this.engine = engine;
        this.cachedSeries = cachedSeries;
    }

    public Correlation correlation(String tenant, List<String> metrics, Instant from, Instant to, Aggregate aggregate) {
        if (metrics.size() < 2 || metrics.size() > 20) {
            throw new QueryException("correlation needs 2 to 20 metrics");
        }
        List<Map<Long, Double>> series = new ArrayList<>();
        String step = null;
        for (String metric : metrics) {
            // through the cache: each metric's series is the answer a series panel of it would get
            SeriesResult result = cachedSeries.series(tenant, new SeriesQuery(metric, from, to, null, aggregate,
                    List.of(), List.of(), 1));
            step = result.step();
            Map<Long, Double> points = new HashMap<>();
            result.series().forEach(s -> s.points().forEach(p -> points.put(p.time(), p.value())));
            series.add(points);
        }
        double[][] values = new double[metrics.size()][metrics.size()];
        for (int i = 0; i < metrics.size(); i++) {
            for (int j = 0; j < metrics.size(); j++) {
                values[i][j] = pearson(series.get(i), series.get(j));
            }
        }
        return new Correlation(List.copyOf(metrics), step, values);
    }

    /** Pearson's r over the buckets both series have; NaN with fewer than two or a constant series. */
    static double pearson(Map<Long, Double> a, Map<Long, Double> b) {
        List<double[]> pairs = new ArrayList<>();
        a.forEach((time, x) -> {
            Double y = b.get(time);
            if (y != null && Double.isFinite(x) && Double.isFinite(y)) {
                pairs.add(new double[] {x, y});
            }
        });
        int n = pairs.size();
        if (n < 2) {
            return Double.NaN;
        }
        double meanX = pairs.stream().mapToDouble(p -> p[0]).sum() / n;
        double meanY = pairs.stream().mapToDouble(p -> p[1]).sum() / n;
        double covariance = 0;
        double varianceX = 0;
        double varianceY = 0;
        for (double[] p : pairs) {
            covariance += (p[0] - meanX) * (p[1] - meanY);
            varianceX += (p[0] - meanX) * (p[0] - meanX);
            varianceY += (p[1] - meanY) * (p[1] - meanY);
        }
        return varianceX == 0 || varianceY == 0 ? Double.NaN : covariance / Math.sqrt(varianceX * varianceY);
    }

    /**
     * Merges the hourly rows of {@code metric} into the 7 × 24 cells they fall in (for the last hours, whose
     * rows may not be written yet, their minute rows), then reads the aggregate.
     */
    public HourByWeekday hourByWeekday(String tenant, String metric, Instant from, Instant to, Aggregate aggregate) {
        List<RollupAggregate.Merger> cells = new ArrayList<>(7 * 24);
        for (int i = 0; i < 7 * 24; i++) {
            cells.add(new RollupAggregate.Merger());
        }
        if (to.toEpochMilli() - from.toEpochMilli() > MAX_WEEKDAY_RANGE_MILLIS) {
            throw new QueryException("range too large: at most 400 days");
        }
        java.util.Set<Long> written = new java.util.HashSet<>();
        engine.rows(tenant, new SeriesQuery(metric, from, to, Granularity.ONE_HOUR, aggregate, List.of(), List.of(), 0),
                Granularity.ONE_HOUR, (group, time, row) -> {
                    written.add(time);
                    row.mergeInto(cells.get(cell(time)));
                });
        // the job writes an hour's row when the hour closes: until then its minutes stand in for it, so
        // the current hour (and a just-closed one not yet written) shows too
        Instant recent = Instant.ofEpochMilli(Math.max(from.toEpochMilli(),
                to.minus(UNWRITTEN_HOURS).toEpochMilli() / HOUR_MILLIS * HOUR_MILLIS));
        if (recent.isBefore(to)) {
            engine.rows(tenant, new SeriesQuery(metric, recent, to, Granularity.ONE_MINUTE, aggregate, List.of(), List.of(), 0),
                    Granularity.ONE_MINUTE, (group, time, row) -> {
                        if (!written.contains(time / HOUR_MILLIS * HOUR_MILLIS)) {
                            row.mergeInto(cells.get(cell(time)));
                        }
                    });
        }
        double[][] values = new double[7][24];
        for (int day = 0; day < 7; day++) {
            for (int hour = 0; hour < 24; hour++) {
                RollupAggregate.Merger cell = cells.get(day * 24 + hour);
                values[day][hour] = cell.isEmpty() ? Double.NaN : aggregate.of(cell.result());
            }
        }
        return new HourByWeekday(metric, aggregate.code(), values);
    }

    private static int cell(long time) {
        ZonedDateTime utc = Instant.ofEpochMilli(time).atZone(ZoneOffset.UTC);
        return (utc.getDayOfWeek().getValue() - 1) * 24 + utc.getHour();
    }

    /** A matrix as rows of cells, the undefined ones (NaN: a constant or empty series) as null. */
    public static List<List<Double>> cells(double[][] values) {
        List<List<Double>> rows = new java.util.ArrayList<>();
        for (double[] row : values) {
            rows.add(java.util.Arrays.stream(row).mapToObj(v -> Double.isFinite(v) ? v : null).toList());
        }
        return rows;
    }
}
