package io.pulse.rollup.sink;

import java.io.Serializable;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;

/**
 * A PostgreSQL database the job writes to, with the batching all its JDBC sinks share. Batches go as
 * separate statements in one round trip. The driver's {@code reWriteBatchedInserts} must stay off: it
 * turns a batch into one multi-row upsert, which PostgreSQL refuses when a window and its correction
 * share the batch ("ON CONFLICT DO UPDATE command cannot affect row a second time").
 */
public record JdbcTarget(String url, String user, String password, int batchSize, long batchIntervalMillis)
        implements Serializable {

    public JdbcConnectionOptions connection() {
        return new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                .withUrl(url)
                .withDriverName("org.postgresql.Driver")
                .withUsername(user)
                .withPassword(password)
                .build();
    }

    public JdbcExecutionOptions execution() {
        return JdbcExecutionOptions.builder()
                .withBatchSize(batchSize)
                .withBatchIntervalMs(batchIntervalMillis)
                .withMaxRetries(3)
                .build();
    }
}
