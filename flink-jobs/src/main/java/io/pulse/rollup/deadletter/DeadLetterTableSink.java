package io.pulse.rollup.deadletter;

import io.pulse.contracts.deadletter.DeadLetter;
import io.pulse.rollup.sink.JdbcTarget;
import java.sql.Timestamp;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/**
 * Stores rejected events in {@code dead_letter}. Ids are derived from the rejection's origin, so a
 * redelivered message's rejections are stored once.
 */
public final class DeadLetterTableSink {

    static final String INSERT = "INSERT INTO dead_letter (id, source, correlation_id, event_index, tenant, reason,"
            + " detail, payload, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING";

    private DeadLetterTableSink() {
    }

    public static Sink<DeadLetter> create(JdbcTarget target) {
        return JdbcSink.<DeadLetter>builder()
                .withQueryStatement(INSERT, (statement, letter) -> {
                    statement.setString(1, letter.id());
                    statement.setString(2, letter.source());
                    statement.setString(3, letter.correlationId());
                    statement.setInt(4, letter.index());
                    statement.setString(5, letter.tenant());
                    statement.setString(6, letter.reason());
                    statement.setString(7, letter.detail());
                    statement.setString(8, letter.payload());
                    statement.setTimestamp(9, new Timestamp(letter.receivedAt()));
                })
                .withExecutionOptions(target.execution())
                .buildAtLeastOnce(target.connection());
    }
}
