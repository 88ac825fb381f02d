package io.pulse.serving.query;

import io.pulse.contracts.event.EventLimits;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.serving.tenancy.TenantTransactions;
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

/**
 * The one query engine behind REST and GraphQL. Reads the stored rows of one granularity (the table name
 * comes only from {@link Granularity}; everything else is bound), groups and merges them in memory:
 * percentiles and distinct counts of a point come from the merged sketches of all its rows.
 */
@Singleton
public class QueryEngine {

    /** Granularities a step may be picked from, finest first. */
    private static final List<Granularity> TUMBLING =
            List.of(Granularity.TEN_SECONDS, Granularity.ONE_MINUTE, Granularity.ONE_HOUR);

    private final TenantTransactions tenants;
    private final QueryLimits limits;

    public QueryEngine(TenantTransactions tenants, QueryLimits limits) {
        this.tenants = tenants;
        this.limits = limits;
    }

    /** Receives stored rows: the group-by dimensions, the bucket start (epoch ms) and the row. */
    @FunctionalInterface
    public interface RowVisitor {
        void visit(Map<String, String> group, long time, StoredRow row);
    }

    /** A stored row as read: exact fields, and only the sketch the query's aggregate needs (else null). */
    public record StoredRow(long count, double sum, double min, double max, byte[] quantileSketch,
                            byte[] distinctSketch) {

        public void mergeInto(RollupAggregate.Merger merger) {
            merger.add(count, sum, min, max, quantileSketch, distinctSketch);
        }
    }

    /** Runs {@code query} over {@code tenant}'s rows; the tenant always comes from the caller. */
    public SeriesResult series(String tenant, SeriesQuery query) {
        validate(query);
        Granularity step = stepFor(query);
        Map<Map<String, String>, TreeMap<Long, RollupAggregate.Merger>> groups = new HashMap<>();
        rows(tenant, query, step, (dimensions, time, row) -> {
            Map<String, String> group = new LinkedHashMap<>();
            for (String dimension : query.groupBy()) {
                group.put(dimension, dimensions.getOrDefault(dimension, ""));
            }
            row.mergeInto(groups.computeIfAbsent(group, g -> new TreeMap<>())
                    .computeIfAbsent(time, t -> new RollupAggregate.Merger()));
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
     * The visitor gets a row's group-by dimensions (absent where its series lacks one). For an aggregate
     * that needs no sketch the database merges the rows per bucket and group first.
     */
    public void rows(String tenant, SeriesQuery query, Granularity table, RowVisitor visitor) {
        validate(query);
        tenants.read(tenant, connection -> {
            try (PreparedStatement statement = prepare(connection, tenant, query, table);
                 ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    visitor.visit(groupColumns(rows, query.groupBy()), rows.getTimestamp(1).getTime(),
                            new StoredRow(rows.getLong(2), rows.getDouble(3), rows.getDouble(4), rows.getDouble(5),
                                    rows.getBytes(6), rows.getBytes(7)));
                }
            }
            return null;
        });
    }

    /** Count, sum, min and max merge in SQL: far fewer rows leave the database. */
    private static boolean mergedInDatabase(SeriesQuery query) {
        return !query.aggregate().needsQuantiles() && !query.aggregate().needsDistinct();
    }

    /** The group-by values of a row (columns 8 on), absent where its series lacks the dimension. */
    private static Map<String, String> groupColumns(ResultSet rows, List<String> groupBy) throws SQLException {
        Map<String, String> group = new HashMap<>();
        for (int i = 0; i < groupBy.size(); i++) {
            String value = rows.getString(8 + i);
            if (value != null) {
                group.put(groupBy.get(i), value);
            }
        }
        return group;
    }

    private static SeriesResult.Series toSeries(Map<String, String> group,
                                                TreeMap<Long, RollupAggregate.Merger> buckets, Aggregate aggregate) {
        List<SeriesResult.Point> points = new ArrayList<>(buckets.size());
        long events = 0;
        for (Map.Entry<Long, RollupAggregate.Merger> bucket : buckets.entrySet()) {
            RollupAggregate merged = bucket.getValue().result();
            events += merged.count();
            points.add(new SeriesResult.Point(bucket.getKey(), aggregate.of(merged)));
        }
        return new SeriesResult.Series(Map.copyOf(group), events, points);
    }

    private void validate(SeriesQuery query) {
        requireValidNames(query.metric(), query.groupBy(), query.filters());
        if (query.from() == null || query.to() == null || !query.from().isBefore(query.to())) {
            throw new QueryException("from must be before to");
        }
    }

    /** Refuses a metric, group-by or filter name that no event can carry (every entry point checks first). */
    public static void requireValidNames(String metric, List<String> groupBy, List<DimensionFilter> filters) {
        if (metric == null || !EventLimits.DEFAULT.isValidName(metric)) {
            throw new QueryException("metric must be a valid metric name");
        }
        for (String dimension : groupBy) {
            requireDimensionName(dimension);
        }
        for (DimensionFilter filter : filters) {
            requireDimensionName(filter.dimension());
        }
    }

    private static void requireDimensionName(String dimension) {
        if (dimension == null || !EventLimits.DEFAULT.isValidName(dimension)) {
            throw new QueryException("group-by and filter dimensions must be valid dimension names");
        }
    }

    /** The requested step, or the finest stored granularity that keeps the points within the limit. */
    public Granularity stepFor(SeriesQuery query) {
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

    /** The statement a query runs; public so that the API benchmark can run the same SQL through pgbench. */
    public static PreparedStatement prepare(Connection connection, String tenant, SeriesQuery query, Granularity step)
            throws SQLException {
        boolean merged = mergedInDatabase(query);
        StringBuilder sql = new StringBuilder();
        if (merged) {
            sql.append("SELECT bucket_start, sum(count), sum(sum), min(min), max(max), NULL, NULL");
        } else {
            // sketches are the bulk of a row: read only the one the aggregate needs
            sql.append("SELECT bucket_start, count, sum, min, max, ")
                    .append(query.aggregate().needsQuantiles() ? "quantile_sketch" : "NULL").append(", ")
                    .append(query.aggregate().needsDistinct() ? "distinct_sketch" : "NULL");
        }
        query.groupBy().forEach(dimension -> sql.append(", dimensions ->> ?"));
        sql.append(" FROM ").append(step.tenantView())
                .append(" WHERE tenant = ? AND metric = ? AND bucket_start >= ? AND bucket_start < ?");
        for (DimensionFilter filter : query.filters()) {
            sql.append(switch (filter.operator()) {
                case EQUALS -> " AND dimensions ->> ? = ?";
                case IN -> " AND dimensions ->> ? = ANY (?)";
                case NOT -> " AND (dimensions ->> ? IS NULL OR NOT dimensions ->> ? = ANY (?))";
            });
        }
        if (merged) {
            sql.append(" GROUP BY 1");
            for (int i = 0; i < query.groupBy().size(); i++) {
                sql.append(", ").append(8 + i);
            }
        }
        PreparedStatement statement = connection.prepareStatement(sql.toString());
        int index = 1;
        for (String dimension : query.groupBy()) {
            statement.setString(index++, dimension);
        }
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
