package io.pulse.rollup.sink;

import java.io.Serializable;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;

/**
 * A PostgreSQL database the job writes to, with the batching all its JDBC sinks share.
 * {@code reWriteBatchedInserts} lets the driver send a batch as multi-row statements.
 */
public record JdbcTarget(String url, String user, String password, int batchSize, long batchIntervalMillis)
        implements Serializable {

    public JdbcConnectionOptions connection() {
        String rewritten = url.contains("reWriteBatchedInserts") ? url
                : url + (url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
        return new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                .withUrl(rewritten)
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
