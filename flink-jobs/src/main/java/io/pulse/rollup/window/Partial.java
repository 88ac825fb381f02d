package io.pulse.rollup.window;

import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.rollup.SeriesKey;

/**
 * Part of a window's input: the aggregate of some events of one series, all inside the bucket that
 * holds {@code timestamp}. Partials of the same bucket merge; a stage never sees the raw events.
 */
public record Partial(SeriesKey key, long timestamp, RollupAggregate aggregate) {
}
