package io.pulse.contracts.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pulse.contracts.testing.TestServices;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the migrations on a real PostgreSQL and checks whichever storage path that server supports (run the
 * suite once on a server with TimescaleDB preloaded, once without): storage, upkeep and the tenant wall.
 */
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

    private static String queryText(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String insertRow(String table, String bucketStart) {
        return insertRow(table, "acme", bucketStart);
    }

    private static String insertRow(String table, String tenant, String bucketStart) {
        return "INSERT INTO " + table + " (tenant, metric, series, dimensions, bucket_start, revision, version, count,"
                + " sum, min, max, quantile_sketch) VALUES ('" + tenant + "', 'm', '{}', '{}', " + bucketStart
                + ", 0, 1, 1, 1, 1, 1, '\\x00')";
    }

    /** The first column of {@code sql} run as the serving tier runs tenant work (role and setting, local). */
    private static List<String> asTenant(String databaseUrl, String tenant, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(databaseUrl, postgres.user(), postgres.password())) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL ROLE pulse_tenant");
                if (tenant != null) {
                    s.execute("SELECT set_config('pulse.tenant', '" + tenant + "', true)");
                }
                List<String> values = new ArrayList<>();
                try (ResultSet rs = s.executeQuery(sql)) {
                    while (rs.next()) {
                        values.add(rs.getString(1));
                    }
                }
                return values;
            } finally {
                c.rollback();
            }
        }
    }

    private static List<String> strings(String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    /**
     * Every table, partition, chunk (compressed ones included) and view the tenant role may read, in the
     * schemas holding data: exactly the rollup views and the tables guarded by row-level security. The
     * extension's own objects (TimescaleDB's statistics views, readable by everyone) hold no rows of ours.
     */
    private static final String TENANT_READABLE = "SELECT n.nspname || '.' || c.relname FROM pg_class c"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname IN ('public', '_timescaledb_internal') AND c.relkind IN ('r', 'p', 'v', 'm', 'f')"
            + " AND has_table_privilege('pulse_tenant', c.oid, 'SELECT')"
            + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass"
            + " AND d.objid = c.oid AND d.deptype = 'e') ORDER BY 1";

    private static final List<String> ROLLUPS = List.of("rollup_10s", "rollup_1m", "rollup_1h", "rollup_5m_sliding");

    @Test
    void theTenantRoleReadsRollupsOnlyThroughViewsThatAdmitItsTenant() throws SQLException {
        // rows of two tenants: long past (then compressed, where the server compresses), recent, and in a
        // range no chunk or partition covered before (a new chunk; on plain PostgreSQL the DEFAULT partition)
        for (String bucket : List.of("now() - interval '30 days'", "now() - interval '1 minute'",
                "now() + interval '400 days'")) {
            for (String tenant : List.of("acme", "globex")) {
                execute(insertRow("rollup_1m", tenant, bucket));
            }
        }
        if (timescale) {
            execute("SELECT compress_chunk(c) FROM show_chunks('rollup_1m', older_than => interval '20 days') c");
            assertThat(queryLong("SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name ="
                    + " 'rollup_1m' AND is_compressed")).isPositive();
        }

        assertThat(asTenant(url, "acme", "SELECT tenant FROM tenant_rollup_1m")).hasSize(3).containsOnly("acme");
        assertThat(asTenant(url, "globex", "SELECT tenant FROM tenant_rollup_1m WHERE tenant = 'acme'")).isEmpty();
        assertThat(asTenant(url, null, "SELECT tenant FROM tenant_rollup_1m")).as("no tenant set").isEmpty();

        List<String> views = ROLLUPS.stream().map(table -> "public.tenant_" + table).toList();
        assertThat(strings(TENANT_READABLE)).containsExactlyInAnyOrderElementsOf(
                java.util.stream.Stream.concat(views.stream(), java.util.stream.Stream.of("public.api_key",
                        "public.dashboard", "public.tenant_corrections", "public.tenant_event_time")).toList());
        List<String> holdingRows = timescale
                ? strings("SELECT format('%I.%I', schema_name, table_name) FROM _timescaledb_catalog.chunk")
                : strings("SELECT i.inhrelid::regclass::text FROM pg_inherits i"
                        + " WHERE i.inhparent = 'rollup_1m'::regclass");
        assertThat(holdingRows).isNotEmpty();
        for (String relation : java.util.stream.Stream.concat(ROLLUPS.stream(), holdingRows.stream()).toList()) {
            assertThatThrownBy(() -> asTenant(url, "acme", "SELECT tenant FROM " + relation))
                    .as(relation).isInstanceOfSatisfying(SQLException.class,
                            e -> assertThat(e.getSQLState()).isEqualTo("42501"));
        }
    }

    @Test
    void viewsAreSecurityBarriersThatReadWithTheirOwnersRights() throws SQLException {
        for (String table : ROLLUPS) {
            assertThat(strings("SELECT array_to_string(reloptions, ',') FROM pg_class WHERE relname = 'tenant_"
                    + table + "'")).singleElement().satisfies(options -> assertThat(options)
                    .contains("security_barrier=true").contains("security_invoker=false"));
            assertThat(queryBoolean("SELECT relrowsecurity FROM pg_class WHERE relname = '" + table + "'")).isFalse();
        }
        for (String table : List.of("dashboard", "api_key", "tenant_event_time", "tenant_corrections")) {
            assertThat(queryBoolean("SELECT relrowsecurity FROM pg_class WHERE relname = '" + table + "'"))
                    .as(table).isTrue();
        }
    }

    @Test
    void aDatabaseAtV3WithRowsUpgradesInPlaceAndKeepsThemIsolated() throws SQLException {
        String old = postgres.createDatabase("pulse_upgrade");
        try {
            Migrations.configure(old, postgres.user(), postgres.password()).target("3").load().migrate();
            try (Connection c = DriverManager.getConnection(old, postgres.user(), postgres.password());
                 Statement s = c.createStatement()) {
                s.execute(insertRow("rollup_1h", "acme", "now() - interval '2 hours'"));
                s.execute(insertRow("rollup_1h", "globex", "now() - interval '2 hours'"));
            }
            assertThat(asTenant(old, "acme", "SELECT tenant FROM rollup_1h")).as("V3's wall").containsExactly("acme");

            assertThat(Migrations.apply(old, postgres.user(), postgres.password()).migrationsExecuted).isPositive();

            assertThat(asTenant(old, "acme", "SELECT tenant FROM tenant_rollup_1h")).containsExactly("acme");
            assertThat(asTenant(old, "globex", "SELECT tenant FROM tenant_rollup_1h")).containsExactly("globex");
            assertThatThrownBy(() -> asTenant(old, "acme", "SELECT tenant FROM rollup_1h"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
        } finally {
            postgres.dropDatabase(old);
        }
    }

    @Test
    void detectsTheStoragePathFromTheServer() throws SQLException {
        boolean available = queryBoolean("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')");
        assertThat(timescale).isEqualTo(available);
        if (queryBoolean("SELECT current_setting('timescaledb.license', true) IS NOT DISTINCT FROM 'apache'")) {
            // preloaded, but the Apache-only edition has no compression or retention policies: native path
            assertThat(queryBoolean("SELECT current_setting('shared_preload_libraries') LIKE '%timescaledb%'")).isTrue();
            assertThat(timescale).isFalse();
        }
    }

    @Test
    void createsOnePartitionedOrHypertablePerGranularity() throws SQLException {
        for (String table : new String[] {"rollup_10s", "rollup_1m", "rollup_1h", "rollup_5m_sliding"}) {
            if (timescale) {
                assertThat(queryLong("SELECT count(*) FROM timescaledb_information.hypertables WHERE hypertable_name = '"
                        + table + "' AND compression_enabled")).isEqualTo(1);
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
    void aSpecLengthensATablesRetentionButNeverShortensIt() throws SQLException {
        String retention = "SELECT retention::text FROM rollup_table_policy WHERE granularity = '5m-every-10s'";
        String before = queryText(retention);
        try {
            assertThat(queryText("SELECT pulse_keep_at_least('5m-every-10s', interval '1 hour')::text")).isEqualTo(before);
            assertThat(queryText(retention)).isEqualTo(before);
            assertThat(queryText("SELECT pulse_keep_at_least('5m-every-10s', interval '40 days')::text")).isEqualTo("40 days");
            assertThat(queryText(retention)).isEqualTo("40 days");
            if (timescale) {
                assertThat(queryText("SELECT config->>'drop_after' FROM timescaledb_information.jobs"
                        + " WHERE proc_name = 'policy_retention' AND hypertable_name = 'rollup_5m_sliding'")).isEqualTo("40 days");
            }
            assertThatThrownBy(() -> execute("SELECT pulse_keep_at_least('2m', interval '1 day')"))
                    .hasMessageContaining("no rollup table stores 2m windows");
        } finally {
            execute("UPDATE rollup_table_policy SET retention = interval '" + before + "' WHERE granularity = '5m-every-10s'");
        }
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
