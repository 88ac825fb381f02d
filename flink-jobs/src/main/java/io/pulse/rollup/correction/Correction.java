package io.pulse.rollup.correction;

import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.rollup.SeriesKey;

/**
 * Events that reached a window after its state was gone: {@code delta} is to be merged into the stored
 * row of (key, granularity, bucket start). {@code version} comes from the series' version sequence in
 * the stage that found the window closed, so it rises with the stage's other results.
 */
public record Correction(SeriesKey key, Granularity granularity, long bucketStart, long version,
                         RollupAggregate delta) {

    /** The stored row it corrects. */
    public record Row(SeriesKey key, Granularity granularity, long bucketStart) { }

    public Row row() {
        return new Row(key, granularity, bucketStart);
    }
}
