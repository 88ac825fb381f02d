package io.pulse.rollup.sink;

import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.Rollup;
import io.pulse.contracts.rollup.RollupAggregate;
import java.sql.Timestamp;
import java.sql.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/**
 * Writes rollups to their granularity's table as idempotent upserts of the full window state on the
 * natural key (tenant, metric, series, bucket start). A row is only replaced by one holding at least as
 * many events: windows only ever gain events, so a replay after recovery can neither lose a correction
 * nor move a row backwards. See docs/adr/0002-exactly-once-by-idempotent-upsert.md.
 */
public final class RollupTableSink {

    private RollupTableSink() {
    }

    static String upsert(Granularity granularity) {
        String table = granularity.table(); // from the enum's whitelist, never from input
        return "INSERT INTO " + table + " AS t (tenant, metric, series, dimensions, bucket_start, revision, version,"
                + " count, sum, min, max, quantile_sketch, distinct_sketch, updated_at)"
                + " VALUES (?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())"
                + " ON CONFLICT (tenant, metric, series, bucket_start) DO UPDATE SET"
                + " revision = EXCLUDED.revision, version = EXCLUDED.version, count = EXCLUDED.count,"
                + " sum = EXCLUDED.sum, min = EXCLUDED.min, max = EXCLUDED.max,"
                + " quantile_sketch = EXCLUDED.quantile_sketch, distinct_sketch = EXCLUDED.distinct_sketch,"
                + " updated_at = now()"
                + " WHERE t.count <= EXCLUDED.count";
    }

    public static Sink<Rollup> create(JdbcTarget target, Granularity granularity) {
        return JdbcSink.<Rollup>builder()
                .withQueryStatement(upsert(granularity), (statement, rollup) -> {
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
                })
                .withExecutionOptions(target.execution())
                .buildAtLeastOnce(target.connection());
    }
}
