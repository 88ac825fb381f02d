package io.pulse.serving.query;

import io.pulse.contracts.event.EventLimits;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.rollup.SeriesKey;
import io.micronaut.data.connection.annotation.Connectable;
import jakarta.inject.Singleton;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * The one query engine behind REST and GraphQL. Reads the stored rows of one granularity (the table name
 * comes only from {@link Granularity}; everything else is bound), groups and merges them in memory:
 * percentiles and distinct counts of a point come from the merged sketches of all its rows.
 */
@Singleton
@Connectable // one pooled connection per call, also under Micronaut Data's transaction-aware DataSource
public class QueryEngine {

    /** Granularities a step may be picked from, finest first. */
    private static final List<Granularity> TUMBLING =
            List.of(Granularity.TEN_SECONDS, Granularity.ONE_MINUTE, Granularity.ONE_HOUR);

    private final DataSource dataSource;
    private final QueryLimits limits;

    public QueryEngine(DataSource dataSource, QueryLimits limits) {
        this.dataSource = dataSource;
        this.limits = limits;
    }

    /** Receives stored rows: the series' dimensions, the bucket start (epoch ms) and the row's aggregate. */
    @FunctionalInterface
    public interface RowVisitor {
        void visit(Map<String, String> dimensions, long time, RollupAggregate aggregate);
    }

    /** Runs {@code query} over {@code tenant}'s rows; the tenant always comes from the caller. */
    public SeriesResult series(String tenant, SeriesQuery query) {
        validate(query);
        Granularity step = stepFor(query);
        Map<Map<String, String>, TreeMap<Long, List<RollupAggregate>>> groups = new HashMap<>();
        rows(tenant, query, step, (dimensions, time, aggregate) -> {
            Map<String, String> group = new LinkedHashMap<>();
            for (String dimension : query.groupBy()) {
                group.put(dimension, dimensions.getOrDefault(dimension, ""));
            }
            groups.computeIfAbsent(group, g -> new TreeMap<>()).computeIfAbsent(time, t -> new ArrayList<>())
                    .add(aggregate);
        });
        List<SeriesResult.Series> series = new ArrayList<>();
        groups.forEach((group, buckets) -> series.add(toSeries(group, buckets, query.aggregate())));
        series.sort(Comparator.comparingLong(SeriesResult.Series::events).reversed()
                .thenComparing(s -> s.group().toString()));
        int limit = Math.min(query.limit() <= 0 ? limits.maxGroups() : query.limit(), limits.maxGroups());
        return new SeriesResult(query.metric(), step.code(), query.aggregate().code(),
                List.copyOf(series.subList(0, Math.min(limit, series.size()))));
    }

    /**
     * Visits the rows of {@code table} matching the query's metric, range and filters, in no particular
     * order. Checks names but not the point limit: callers that fold rows into a fixed shape use it.
     */
    public void rows(String tenant, SeriesQuery query, Granularity table, RowVisitor visitor) {
        validate(query);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = prepare(connection, tenant, query, table);
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                visitor.visit(new SeriesKey(tenant, query.metric(), rows.getString(1)).dimensions(),
                        rows.getTimestamp(2).getTime(),
                        RollupAggregate.fromStored(rows.getLong(3), rows.getDouble(4), rows.getDouble(5),
                                rows.getDouble(6), rows.getBytes(7), rows.getBytes(8)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("series query failed", e);
        }
    }

    private static SeriesResult.Series toSeries(Map<String, String> group, TreeMap<Long, List<RollupAggregate>> buckets,
                                                Aggregate aggregate) {
        List<SeriesResult.Point> points = new ArrayList<>(buckets.size());
        long events = 0;
        for (Map.Entry<Long, List<RollupAggregate>> bucket : buckets.entrySet()) {
            RollupAggregate merged = RollupAggregate.mergeAll(bucket.getValue());
            events += merged.count();
            points.add(new SeriesResult.Point(bucket.getKey(), aggregate.of(merged)));
        }
        return new SeriesResult.Series(Map.copyOf(group), events, points);
    }

    private void validate(SeriesQuery query) {
        if (query.metric() == null || !EventLimits.DEFAULT.isValidName(query.metric())) {
            throw new QueryException("metric must be a valid metric name");
        }
        if (query.from() == null || query.to() == null || !query.from().isBefore(query.to())) {
            throw new QueryException("from must be before to");
        }
        for (String dimension : query.groupBy()) {
            requireDimensionName(dimension);
        }
        for (DimensionFilter filter : query.filters()) {
            requireDimensionName(filter.dimension());
        }
    }

    private static void requireDimensionName(String dimension) {
        if (dimension == null || !EventLimits.DEFAULT.isValidName(dimension)) {
            throw new QueryException("group-by and filter dimensions must be valid dimension names");
        }
    }

    /** The requested step, or the finest stored granularity that keeps the points within the limit. */
    Granularity stepFor(SeriesQuery query) {
        long range = query.to().toEpochMilli() - query.from().toEpochMilli();
        if (query.step() != null) {
            if (range / query.step().slideMillis() > limits.maxPoints()) {
                throw new QueryException("range too large for this step: at most " + limits.maxPoints() + " points");
            }
            return query.step();
        }
        return TUMBLING.stream().filter(g -> range / g.sizeMillis() <= limits.maxPoints()).findFirst()
                .orElseThrow(() -> new QueryException("range too large: at most " + limits.maxPoints() + " hours"));
    }

    private static PreparedStatement prepare(Connection connection, String tenant, SeriesQuery query, Granularity step)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT series, bucket_start, count, sum, min, max, quantile_sketch,"
                + " distinct_sketch FROM ").append(step.table())
                .append(" WHERE tenant = ? AND metric = ? AND bucket_start >= ? AND bucket_start < ?");
        for (DimensionFilter filter : query.filters()) {
            sql.append(switch (filter.operator()) {
                case EQUALS -> " AND dimensions ->> ? = ?";
                case IN -> " AND dimensions ->> ? = ANY (?)";
                case NOT -> " AND (dimensions ->> ? IS NULL OR NOT dimensions ->> ? = ANY (?))";
            });
        }
        PreparedStatement statement = connection.prepareStatement(sql.toString());
        int index = 1;
        statement.setString(index++, tenant);
        statement.setString(index++, query.metric());
        statement.setTimestamp(index++, Timestamp.from(query.from()));
        statement.setTimestamp(index++, Timestamp.from(query.to()));
        for (DimensionFilter filter : query.filters()) {
            statement.setString(index++, filter.dimension());
            switch (filter.operator()) {
                case EQUALS -> statement.setString(index++, filter.values().get(0));
                case IN -> statement.setArray(index++, textArray(connection, filter.values()));
                case NOT -> {
                    statement.setString(index++, filter.dimension());
                    statement.setArray(index++, textArray(connection, filter.values()));
                }
            }
        }
        return statement;
    }

    private static Array textArray(Connection connection, List<String> values) throws SQLException {
        return connection.createArrayOf("text", values.toArray());
    }
}
