package io.pulse.rollup.sink;

import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.Rollup;
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

    public static Sink<Rollup> create(JdbcTarget target, Granularity granularity) {
        return create(target, RollupRows.guardedUpsert(granularity));
    }

    /** For backfills: rows already holding the same state are not rewritten. */
    public static Sink<Rollup> createForBackfill(JdbcTarget target, Granularity granularity) {
        return create(target, RollupRows.unchangedKeptUpsert(granularity));
    }

    private static Sink<Rollup> create(JdbcTarget target, String upsert) {
        return JdbcSink.<Rollup>builder()
                .withQueryStatement(upsert, RollupRows::bind)
                .withExecutionOptions(target.execution())
                .buildAtLeastOnce(target.connection());
    }
}
