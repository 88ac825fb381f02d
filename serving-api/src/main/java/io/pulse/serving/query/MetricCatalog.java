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
 * read from the hourly rollups since a given time.
 */
@Singleton
public class MetricCatalog {

    /** One metric: its events since {@code since}, and per dimension the top values with their counts. */
    @Serdeable
    public record Metric(String name, long events, Map<String, List<ValueCount>> dimensions) { }

    @Serdeable
    public record ValueCount(String value, long events) { }

    private final TenantTransactions tenants;

    public MetricCatalog(TenantTransactions tenants) {
        this.tenants = tenants;
    }

    public List<Metric> metrics(String tenant, Instant since, int topValues) {
        Map<String, Long> events = new LinkedHashMap<>();
        Map<String, Map<String, List<ValueCount>>> dimensions = new LinkedHashMap<>();
        tenants.read(tenant, connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT metric, sum(count) FROM rollup_1h"
                    + " WHERE tenant = ? AND bucket_start >= ? GROUP BY metric ORDER BY metric")) {
                statement.setString(1, tenant);
                statement.setTimestamp(2, Timestamp.from(since));
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        events.put(rows.getString(1), rows.getLong(2));
                        dimensions.put(rows.getString(1), new LinkedHashMap<>());
                    }
                }
            }
            try (PreparedStatement statement = connection.prepareStatement("SELECT metric, key, value, events FROM ("
                    + " SELECT metric, d.key, d.value, sum(count) AS events, row_number() OVER"
                    + " (PARTITION BY metric, d.key ORDER BY sum(count) DESC, d.value) AS rank"
                    // per series first (one row each), then its dimensions: far fewer rows to expand
                    + " FROM (SELECT metric, dimensions, sum(count) AS count FROM rollup_1h"
                    + " WHERE tenant = ? AND bucket_start >= ? GROUP BY metric, dimensions) per_series,"
                    + " jsonb_each_text(dimensions) AS d"
                    + " GROUP BY metric, d.key, d.value) ranked WHERE rank <= ? ORDER BY metric, key, rank")) {
                statement.setString(1, tenant);
                statement.setTimestamp(2, Timestamp.from(since));
                statement.setInt(3, topValues);
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
}
