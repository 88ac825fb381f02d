package io.pulse.rollup.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.Rollup;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.rollup.SeriesKey;
import io.pulse.contracts.testing.TestServices;
import io.pulse.rollup.RollupJob;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RollupTableSinkIT {

    private static final SeriesKey KEY = SeriesKey.of("acme", "m", Map.of("region", "eu"));
    private static final long BUCKET = 1_764_000_000_000L;

    private final TestServices.Postgres postgres = TestServices.postgres();
    private String url;

    @BeforeEach
    void createDatabase() throws Exception {
        url = postgres.createDatabase("pulse_table_sink");
        RollupJob.prepareDatabase(url, postgres.user(), postgres.password());
    }

    @AfterEach
    void dropDatabase() {
        postgres.dropDatabase(url);
    }

    private static Rollup rollup(long bucket, int revision, int events) {
        RollupAggregate aggregate = new RollupAggregate();
        for (int i = 0; i < events; i++) {
            aggregate.add(i, "u" + i);
        }
        return new Rollup(KEY, Granularity.TEN_SECONDS, bucket, revision, revision + 1, aggregate);
    }

    private void write(List<Rollup> rollups) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        RollupJob.registerSerializers(env);
        env.fromData(rollups).sinkTo(RollupTableSink.create(
                new JdbcTarget(url, postgres.user(), postgres.password(), 100, 60_000), Granularity.TEN_SECONDS));
        env.execute();
    }

    private long storedCount(long bucket) throws Exception {
        try (java.sql.Connection c = DriverManager.getConnection(url, postgres.user(), postgres.password());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count FROM rollup_10s WHERE bucket_start = to_timestamp("
                     + bucket / 1000 + ")")) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    @Test
    void aWindowAndItsCorrectionInOneBatchLeaveTheCorrectedRow() throws Exception {
        // four rows: the driver would send them as one multi-row statement if batches were rewritten
        write(List.of(rollup(BUCKET, 0, 3), rollup(BUCKET + 10_000, 0, 1), rollup(BUCKET, 1, 5),
                rollup(BUCKET + 20_000, 0, 1)));
        assertThat(storedCount(BUCKET)).isEqualTo(5);
        assertThat(storedCount(BUCKET + 10_000)).isEqualTo(1);
    }

    @Test
    void aReplayedOlderStateNeverMovesARowBackwards() throws Exception {
        write(List.of(rollup(BUCKET, 1, 5)));
        write(List.of(rollup(BUCKET, 0, 3), rollup(BUCKET, 1, 5)));
        assertThat(storedCount(BUCKET)).isEqualTo(5);
        write(List.of(rollup(BUCKET, 0, 3)));
        assertThat(storedCount(BUCKET)).isEqualTo(5);
    }
}
