package io.pulse.rollup.sink;

import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.Rollup;
import io.pulse.contracts.rollup.RollupAggregate;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;

/** The one way a rollup row is written: the upsert of its full state, and how a rollup binds to it. */
public final class RollupRows {

    private RollupRows() {
    }

    /**
     * Upsert of the full window state on the natural key; a stored row is replaced only by one holding at
     * least as many events (see {@link RollupTableSink}).
     */
    public static String guardedUpsert(Granularity granularity) {
        return insertInto(granularity) + " VALUES (?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())" + REPLACE
                + " WHERE t.count <= EXCLUDED.count";
    }

    /**
     * {@link #guardedUpsert} that also leaves a row holding the same state untouched (its revision,
     * version and update time included): a backfill run twice over the same archive changes nothing.
     */
    public static String unchangedKeptUpsert(Granularity granularity) {
        return guardedUpsert(granularity) + " AND (t.count, t.sum, t.min, t.max, t.quantile_sketch, t.distinct_sketch)"
                + " IS DISTINCT FROM (EXCLUDED.count, EXCLUDED.sum, EXCLUDED.min, EXCLUDED.max,"
                + " EXCLUDED.quantile_sketch, EXCLUDED.distinct_sketch)";
    }

    /**
     * Upsert of many full window states in one statement, from twelve arrays: tenant, metric, series,
     * bucket start, revision, version, count, sum, min, max, and both sketches base64-encoded.
     */
    public static String upsertAll(Granularity granularity) {
        return insertInto(granularity) + " SELECT u.tenant, u.metric, u.series, u.series::jsonb, u.bucket_start,"
                + " u.revision, u.version, u.count, u.sum, u.min, u.max, decode(u.qs, 'base64'), decode(u.ds, 'base64'),"
                + " now() FROM unnest(?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::int[], ?::bigint[],"
                + " ?::bigint[], ?::float8[], ?::float8[], ?::float8[], ?::text[], ?::text[])"
                + " AS u(tenant, metric, series, bucket_start, revision, version, count, sum, min, max, qs, ds)"
                + REPLACE;
    }

    private static String insertInto(Granularity granularity) {
        String table = granularity.table(); // from the enum's whitelist, never from input
        return "INSERT INTO " + table + " AS t (tenant, metric, series, dimensions, bucket_start, revision, version,"
                + " count, sum, min, max, quantile_sketch, distinct_sketch, updated_at)";
    }

    private static final String REPLACE = " ON CONFLICT (tenant, metric, series, bucket_start) DO UPDATE SET"
            + " revision = EXCLUDED.revision, version = EXCLUDED.version, count = EXCLUDED.count,"
            + " sum = EXCLUDED.sum, min = EXCLUDED.min, max = EXCLUDED.max,"
            + " quantile_sketch = EXCLUDED.quantile_sketch, distinct_sketch = EXCLUDED.distinct_sketch,"
            + " updated_at = now()";

    public static void bind(PreparedStatement statement, Rollup rollup) throws SQLException {
        RollupAggregate aggregate = rollup.aggregate();
        statement.setString(1, rollup.key().tenant());
        statement.setString(2, rollup.key().metric());
        statement.setString(3, rollup.key().series());
        statement.setString(4, rollup.key().series());
        statement.setTimestamp(5, new Timestamp(rollup.bucketStart()));
        statement.setInt(6, rollup.revision());
        statement.setLong(7, rollup.version());
        statement.setLong(8, aggregate.count());
        statement.setDouble(9, aggregate.sum());
        statement.setDouble(10, aggregate.min());
        statement.setDouble(11, aggregate.max());
        statement.setBytes(12, aggregate.quantileSketchBytes());
        byte[] distinct = aggregate.distinctSketchBytes();
        if (distinct == null) {
            statement.setNull(13, Types.BINARY);
        } else {
            statement.setBytes(13, distinct);
        }
    }
}
