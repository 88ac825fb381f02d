package io.pulse.serving.query;

import io.pulse.contracts.rollup.RollupAggregate;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * What a series query returns per point. Percentiles and distinct counts are read from the merged
 * sketches of all rows in the point, never averaged from per-row values.
 */
public enum Aggregate {
    COUNT(a -> a.count()),
    SUM(RollupAggregate::sum),
    MIN(RollupAggregate::min),
    MAX(RollupAggregate::max),
    MEAN(RollupAggregate::mean),
    P50(a -> a.quantile(0.50)),
    P90(a -> a.quantile(0.90)),
    P95(a -> a.quantile(0.95)),
    P99(a -> a.quantile(0.99)),
    DISTINCT(a -> Math.round(a.distinct()));

    private final ToDoubleFunction<RollupAggregate> read;

    Aggregate(ToDoubleFunction<RollupAggregate> read) {
        this.read = read;
    }

    public double of(RollupAggregate aggregate) {
        return read.applyAsDouble(aggregate);
    }

    /** Whether the value comes from the quantile sketch, which a query must then read. */
    public boolean needsQuantiles() {
        return this == P50 || this == P90 || this == P95 || this == P99;
    }

    /** Whether the value comes from the distinct-count sketch, which a query must then read. */
    public boolean needsDistinct() {
        return this == DISTINCT;
    }

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Aggregate fromCode(String code) {
        return Arrays.stream(values()).filter(a -> a.code().equals(code)).findFirst()
                .orElseThrow(() -> new QueryException("unknown aggregate; use one of count, sum, min, max, mean,"
                        + " p50, p90, p95, p99, distinct"));
    }
}
