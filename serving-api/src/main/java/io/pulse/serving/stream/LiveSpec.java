package io.pulse.serving.stream;

import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.RollupUpdate;
import io.pulse.serving.query.Aggregate;
import io.pulse.serving.query.DimensionFilter;
import io.pulse.serving.query.QueryEngine;
import io.pulse.serving.query.QueryException;
import io.pulse.serving.query.QueryParameters;
import io.pulse.serving.query.SeriesQuery;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a live subscription follows: one metric at one window, an aggregate, filters and a group-by.
 * Subscribers with equal specs in one tenant share one {@link LiveQuery}.
 */
public record LiveSpec(String metric, Granularity window, Aggregate aggregate, List<DimensionFilter> filters,
                       List<String> groupBy) {

    public LiveSpec {
        filters = List.copyOf(filters);
        groupBy = List.copyOf(groupBy);
    }

    /**
     * A spec from a request's fields, as WebSocket and GraphQL clients send them: window and aggregate
     * codes (defaults 10s and count), filters written {@code dimension:op:value}.
     */
    public static LiveSpec of(String metric, String window, String aggregate, List<String> filters,
                              List<String> groupBy) {
        if (metric == null) {
            throw new QueryException("metric is required");
        }
        Granularity granularity;
        try {
            granularity = Granularity.fromCode(window == null ? "10s" : window);
        } catch (IllegalArgumentException e) {
            throw new QueryException("window must be one of 10s, 1m, 1h, 5m-every-10s");
        }
        LiveSpec spec = new LiveSpec(metric, granularity, aggregate == null ? Aggregate.COUNT : Aggregate.fromCode(aggregate),
                QueryParameters.filters(filters), groupBy == null ? List.of() : groupBy);
        QueryEngine.requireValidNames(spec.metric(), spec.groupBy(), spec.filters());
        return spec;
    }

    /** Whether a published result is part of this spec: same metric and window, filters pass. */
    public boolean matches(RollupUpdate update) {
        return update.metric().equals(metric) && update.granularity().equals(window.code())
                && filters.stream().allMatch(f -> f.matches(update.series()));
    }

    /** The group a series belongs to: its values of the group-by dimensions ("" where absent). */
    public Map<String, String> groupOf(Map<String, String> dimensions) {
        Map<String, String> group = new LinkedHashMap<>();
        for (String dimension : groupBy) {
            group.put(dimension, dimensions.getOrDefault(dimension, ""));
        }
        return Map.copyOf(group);
    }

    /** The history query over [from, to) with this spec's window as step. */
    public SeriesQuery query(Instant from, Instant to, int limit) {
        return new SeriesQuery(metric, from, to, window, aggregate, groupBy, filters, limit);
    }
}
