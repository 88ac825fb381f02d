package io.pulse.serving.query;

import io.pulse.contracts.rollup.Granularity;
import java.time.Instant;
import java.util.List;

/**
 * A history query over one metric of the caller's tenant (the tenant is never part of the query).
 *
 * @param step    stored granularity to read; null lets the engine pick one for a sensible point count
 * @param groupBy dimensions to split the result by; empty merges every series into one
 * @param limit   keep the top {@code limit} groups by event count
 */
public record SeriesQuery(String metric, Instant from, Instant to, Granularity step, Aggregate aggregate,
                          List<String> groupBy, List<DimensionFilter> filters, int limit) {

    public SeriesQuery {
        groupBy = List.copyOf(groupBy);
        filters = List.copyOf(filters);
    }
}
