package io.pulse.serving.testing;

import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.rollup.SeriesKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;

/** Writes rollup rows in the rollup job's format, for query tests. */
public final class RollupRows {

    private final String url;
    private final String user;
    private final String password;

    public RollupRows(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /** One row of {@code values}, each with user {@code user-(i % users)}. */
    public RollupAggregate write(Granularity granularity, String tenant, String metric, Map<String, String> dimensions,
                          Instant bucket, double[] values, int users) throws SQLException {
        RollupAggregate aggregate = new RollupAggregate();
        for (int i = 0; i < values.length; i++) {
            aggregate.add(values[i], "user-" + (i % users));
        }
        SeriesKey key = SeriesKey.of(tenant, metric, dimensions);
        try (Connection c = DriverManager.getConnection(url, user, password);
             PreparedStatement s = c.prepareStatement("INSERT INTO " + granularity.table() + " (tenant, metric,"
                     + " series, dimensions, bucket_start, revision, version, count, sum, min, max, quantile_sketch,"
                     + " distinct_sketch) VALUES (?, ?, ?, ?::jsonb, ?, 0, 1, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, tenant);
            s.setString(2, metric);
            s.setString(3, key.series());
            s.setString(4, key.series());
            s.setTimestamp(5, Timestamp.from(bucket));
            s.setLong(6, aggregate.count());
            s.setDouble(7, aggregate.sum());
            s.setDouble(8, aggregate.min());
            s.setDouble(9, aggregate.max());
            s.setBytes(10, aggregate.quantileSketchBytes());
            s.setBytes(11, aggregate.distinctSketchBytes());
            s.executeUpdate();
        }
        return aggregate;
    }
}
