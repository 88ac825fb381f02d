package io.pulse.rollup.freshness;

import io.pulse.rollup.sink.JdbcTarget;
import java.sql.Timestamp;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/**
 * Keeps {@code tenant_event_time}, the newest event time of each tenant, half of the serving tier's
 * freshness answer (the corrections committer keeps the other half, {@code tenant_corrections}). Shards
 * report separately and replays report again: the row keeps the greatest, so the order and repetition
 * of reports do not matter. Reports reach it keyed by tenant, so no two writers lock one row.
 */
public final class TenantFreshnessSink {

    static final String UPSERT = "INSERT INTO tenant_event_time AS f (tenant, event_time, updated_at)"
            + " VALUES (?, ?, now()) ON CONFLICT (tenant) DO UPDATE SET"
            + " event_time = GREATEST(f.event_time, EXCLUDED.event_time), updated_at = now()";

    private TenantFreshnessSink() {
    }

    public static Sink<TenantEventTime> create(JdbcTarget target) {
        return JdbcSink.<TenantEventTime>builder()
                .withQueryStatement(UPSERT, (statement, report) -> {
                    statement.setString(1, report.tenant());
                    statement.setTimestamp(2, new Timestamp(report.eventTime()));
                })
                .withExecutionOptions(target.execution())
                .buildAtLeastOnce(target.connection());
    }
}
