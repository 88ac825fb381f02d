package io.pulse.serving.query;

import io.micronaut.serde.annotation.Serdeable;
import io.pulse.serving.tenancy.TenantTransactions;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tenant's metrics with their dimensions and each dimension's most frequent values (by event count),
 * read from the rollups since a given time. Names are ordered byte-wise ({@code COLLATE "C"}), whatever
 * the database's collation, which is the order {@link String#compareTo} gives for names and so the order
 * cursors page by.
 */
@Singleton
public class MetricCatalog {

    /** One metric: its events since {@code since}, and per dimension the top values with their counts. */
    @Serdeable
    public record Metric(String name, long events, Map<String, List<ValueCount>> dimensions) { }

    @Serdeable
    public record ValueCount(String value, long events) { }

    /** The start of the hour before the current one. */
    private static final String LAST_TWO_HOURS =
            "date_bin('1 hour', now(), timestamptz '2000-01-01 00:00+00') - interval '1 hour'";

    /**
     * The rows counted: hourly rows, and minute rows of the last two hours whose hour has no hourly row
     * yet (it is written when the hour ends), so a new metric or dimension value shows as soon as its
     * first minute is written. Four parameters: tenant and since, twice.
     */
    private static final String COUNTED = "WITH counted AS ("
            + " SELECT metric, dimensions, count FROM tenant_rollup_1h WHERE tenant = ? AND bucket_start >= ?"
            + " UNION ALL SELECT m.metric, m.dimensions, m.count FROM tenant_rollup_1m m WHERE m.tenant = ?"
            + " AND m.bucket_start >= greatest(?, " + LAST_TWO_HOURS + ")"
            + " AND NOT EXISTS (SELECT 1 FROM tenant_rollup_1h h WHERE h.tenant = m.tenant AND h.metric = m.metric"
            + " AND h.series = m.series"
            // a bound of its own: a security-barrier view is not probed per outer row, so without it the
            // anti-join would read every hourly row the tenant has
            + " AND h.bucket_start >= " + LAST_TWO_HOURS
            + " AND h.bucket_start = date_bin('1 hour', m.bucket_start, timestamptz '2000-01-01 00:00+00')))";

    private final TenantTransactions tenants;

    public MetricCatalog(TenantTransactions tenants) {
        this.tenants = tenants;
    }

    public List<Metric> metrics(String tenant, Instant since, int topValues) {
        Map<String, Long> events = new LinkedHashMap<>();
        Map<String, Map<String, List<ValueCount>>> dimensions = new LinkedHashMap<>();
        tenants.read(tenant, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(COUNTED
                    + " SELECT metric, sum(count) FROM counted GROUP BY metric ORDER BY metric COLLATE \"C\"")) {
                bind(statement, tenant, since);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        events.put(rows.getString(1), rows.getLong(2));
                        dimensions.put(rows.getString(1), new LinkedHashMap<>());
                    }
                }
            }
            try (PreparedStatement statement = connection.prepareStatement(COUNTED + " SELECT metric, key, value, events FROM ("
                    + " SELECT metric, d.key, d.value, sum(count) AS events, row_number() OVER"
                    + " (PARTITION BY metric, d.key ORDER BY sum(count) DESC, d.value COLLATE \"C\") AS rank"
                    // per series first (one row each), then its dimensions: far fewer rows to expand
                    + " FROM (SELECT metric, dimensions, sum(count) AS count FROM counted"
                    + " GROUP BY metric, dimensions) per_series,"
                    + " jsonb_each_text(dimensions) AS d"
                    + " GROUP BY metric, d.key, d.value) ranked WHERE rank <= ?"
                    + " ORDER BY metric COLLATE \"C\", key COLLATE \"C\", rank")) {
                bind(statement, tenant, since);
                statement.setInt(5, topValues);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        dimensions.get(rows.getString(1)).computeIfAbsent(rows.getString(2), k -> new ArrayList<>())
                                .add(new ValueCount(rows.getString(3), rows.getLong(4)));
                    }
                }
            }
            return null;
        });
        List<Metric> metrics = new ArrayList<>();
        events.forEach((metric, count) -> metrics.add(new Metric(metric, count, dimensions.get(metric))));
        return metrics;
    }

    private static void bind(PreparedStatement statement, String tenant, Instant since) throws java.sql.SQLException {
        statement.setString(1, tenant);
        statement.setTimestamp(2, Timestamp.from(since));
        statement.setString(3, tenant);
        statement.setTimestamp(4, Timestamp.from(since));
    }
}
