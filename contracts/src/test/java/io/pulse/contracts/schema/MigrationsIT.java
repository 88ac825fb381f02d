package io.pulse.contracts.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.contracts.testing.TestServices;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs the migrations on a real PostgreSQL and checks whichever storage path that server supports. */
class MigrationsIT {

    private static String url;
    private static TestServices.Postgres postgres;
    private static boolean timescale;

    @BeforeAll
    static void migrate() throws SQLException {
        postgres = TestServices.postgres();
        url = postgres.createDatabase("pulse_migrations");
        assertThat(Migrations.apply(url, postgres.user(), postgres.password()).migrationsExecuted).isPositive();
        timescale = queryBoolean("SELECT timescaledb FROM pulse_schema_mode");
    }

    @AfterAll
    static void dropDatabase() {
        postgres.dropDatabase(url);
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(url, postgres.user(), postgres.password());
    }

    private static boolean queryBoolean(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static long queryLong(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String insertRow(String table, String bucketStart) {
        return "INSERT INTO " + table + " (tenant, metric, series, dimensions, bucket_start, revision, version, count,"
                + " sum, min, max, quantile_sketch) VALUES ('acme', 'm', '{}', '{}', " + bucketStart
                + ", 0, 1, 1, 1, 1, 1, '\\x00')";
    }

    @Test
    void detectsTheStoragePathFromTheServer() throws SQLException {
        boolean available = queryBoolean("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')");
        assertThat(timescale).isEqualTo(available);
    }

    @Test
    void createsOnePartitionedOrHypertablePerGranularity() throws SQLException {
        for (String table : new String[] {"rollup_10s", "rollup_1m", "rollup_1h", "rollup_5m_sliding"}) {
            if (timescale) {
                assertThat(queryLong("SELECT count(*) FROM timescaledb_information.hypertables WHERE hypertable_name = '"
                        + table + "'")).isEqualTo(1);
                assertThat(queryLong("SELECT count(*) FROM timescaledb_information.jobs WHERE hypertable_name = '"
                        + table + "' AND proc_name IN ('policy_compression', 'policy_retention')")).isEqualTo(2);
            } else {
                assertThat(queryLong("SELECT count(*) FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid"
                        + " WHERE c.relname = '" + table + "'")).isEqualTo(1);
                // a partition covering now and at least one ahead
                assertThat(queryLong("SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                        + " WHERE i.inhparent = '" + table + "'::regclass AND c.relname <> '" + table + "_default'"))
                        .isGreaterThanOrEqualTo(2);
            }
        }
    }

    @Test
    void nativeUpkeepMovesCaughtRowsIntoNewPartitionsAndDropsExpiredOnes() throws SQLException {
        if (timescale) {
            assertThat(new PartitionUpkeep(url, postgres.user(), postgres.password()).runOnce()).contains("timescaledb");
            return;
        }
        // a row ahead of every partition lands in DEFAULT instead of failing
        execute(insertRow("rollup_1h", "now() + interval '200 days'"));
        assertThat(queryLong("SELECT count(*) FROM rollup_1h_default")).isEqualTo(1);
        // an expired partition, as upkeep would have created it long ago
        execute("CREATE TABLE rollup_10s_p20200101t0000 PARTITION OF rollup_10s"
                + " FOR VALUES FROM ('2020-01-01 00:00+00') TO ('2020-01-02 00:00+00')");
        execute(insertRow("rollup_10s", "'2020-01-01 12:00+00'"));

        // pretend the clock moved 200 days on: upkeep must create the partition and move the row into it
        execute("UPDATE rollup_table_policy SET retention = interval '300 days' WHERE table_name = 'rollup_1h'");
        execute("UPDATE rollup_table_policy SET partition_interval = interval '300 days' WHERE table_name = 'rollup_1h'");
        String report = new PartitionUpkeep(url, postgres.user(), postgres.password()).runOnce();

        assertThat(report).matches("created [1-9]\\d* partitions, dropped [1-9]\\d*");
        assertThat(queryLong("SELECT count(*) FROM rollup_1h_default")).isZero();
        assertThat(queryLong("SELECT count(*) FROM rollup_1h WHERE bucket_start > now() + interval '199 days'"))
                .isEqualTo(1);
        assertThat(queryBoolean("SELECT to_regclass('rollup_10s_p20200101t0000') IS NULL")).isTrue();
        assertThat(queryLong("SELECT count(*) FROM rollup_10s")).isZero();
    }

    @Test
    void deadLetterIdsMakeRepeatedRejectionsOneRow() throws SQLException {
        String insert = "INSERT INTO dead_letter (id, source, event_index, reason, detail, payload, received_at)"
                + " VALUES ('x', 'amqp:q', 0, 'late', 'late', '{}', now()) ON CONFLICT (id) DO NOTHING";
        execute(insert);
        execute(insert);
        assertThat(queryLong("SELECT count(*) FROM dead_letter WHERE id = 'x'")).isEqualTo(1);
    }

    @Test
    void scheduledUpkeepKeepsRunning() throws Exception {
        execute("CREATE TABLE upkeep_runs (at timestamptz)");
        execute("ALTER FUNCTION pulse_partition_upkeep() RENAME TO pulse_partition_upkeep_real");
        execute("CREATE FUNCTION pulse_partition_upkeep() RETURNS text LANGUAGE sql AS "
                + "'INSERT INTO upkeep_runs VALUES (now()); SELECT pulse_partition_upkeep_real()'");
        try {
            var scheduler = new PartitionUpkeep(url, postgres.user(), postgres.password())
                    .schedule(java.time.Duration.ofMillis(100));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> queryLong("SELECT count(*) FROM upkeep_runs") >= 3);
            scheduler.shutdownNow();
        } finally {
            execute("DROP FUNCTION pulse_partition_upkeep()");
            execute("ALTER FUNCTION pulse_partition_upkeep_real() RENAME TO pulse_partition_upkeep");
        }
    }
}
