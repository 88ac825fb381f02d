package io.pulse.contracts.rollup;

import java.util.Map;

/**
 * A window result as published on Redis and sent to live subscribers: the stored row's values,
 * computed. {@code provisional} results are early values of a window that is still open.
 */
public record RollupUpdate(String tenant, String metric, Map<String, String> series, String granularity,
                           long bucketStart, long bucketEnd, int revision, long version, boolean provisional,
                           long count, double sum, double min, double max, double mean,
                           double p50, double p90, double p95, double p99, double distinct) {

    public static RollupUpdate of(Rollup rollup, boolean provisional) {
        RollupAggregate a = rollup.aggregate();
        SeriesKey key = rollup.key();
        return new RollupUpdate(key.tenant(), key.metric(), key.dimensions(), rollup.granularity().code(),
                rollup.bucketStart(), rollup.bucketEnd(), rollup.revision(), rollup.version(), provisional,
                a.count(), a.sum(), a.min(), a.max(), a.mean(),
                a.quantile(0.5), a.quantile(0.9), a.quantile(0.95), a.quantile(0.99), Math.round(a.distinct()));
    }
}
