package io.pulse.contracts.rollup;

/**
 * One window result of one series.
 *
 * @param revision 0 for the on-time result; +1 for each correction by late events within the lateness
 * @param version  increases with every result emitted for this series and granularity, so a
 *                 subscriber keeps the highest it has seen and drops anything not above it
 */
public record Rollup(SeriesKey key, Granularity granularity, long bucketStart, int revision, long version,
                     RollupAggregate aggregate) {

    public long bucketEnd() {
        return bucketStart + granularity.sizeMillis();
    }
}
