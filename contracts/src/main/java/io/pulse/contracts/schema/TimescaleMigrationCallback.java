package io.pulse.contracts.schema;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * Lets migrations that can no longer be edited (their checksums are applied) run on TimescaleDB
 * (docs/adr/0005-tenant-wall-through-views.md):
 * <ul>
 *   <li>Before V3 on a hypertable database, turns compression off: TimescaleDB refuses row-level security
 *       on a hypertable with compression in either order, and V3 enables it. V5 then removes row-level
 *       security from the rollup tables and turns compression back on.</li>
 *   <li>Before V1 on TimescaleDB's Apache-only edition, which has neither compression nor retention
 *       policies (V1 calls both), hides the extension from V1's check, so V1 takes the native-partition
 *       path as on plain PostgreSQL. The view doing so is temporary and dropped right after V1.</li>
 * </ul>
 */
final class TimescaleMigrationCallback implements Callback {

    private static final MigrationVersion V1 = MigrationVersion.fromVersion("1");
    private static final MigrationVersion V3 = MigrationVersion.fromVersion("3");

    @Override
    public boolean supports(Event event, Context context) {
        return (event == Event.BEFORE_EACH_MIGRATE || event == Event.AFTER_EACH_MIGRATE
                || event == Event.AFTER_EACH_MIGRATE_ERROR) && context.getMigrationInfo() != null;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        MigrationVersion version = context.getMigrationInfo().getVersion();
        try (Statement statement = context.getConnection().createStatement()) {
            if (V1.equals(version)) {
                if (event == Event.BEFORE_EACH_MIGRATE && apacheOnly(statement)) {
                    statement.execute("CREATE TEMPORARY VIEW pg_available_extensions AS"
                            + " SELECT * FROM pg_catalog.pg_available_extensions WHERE name <> 'timescaledb'");
                } else if (event != Event.BEFORE_EACH_MIGRATE) {
                    statement.execute("DROP VIEW IF EXISTS pg_temp.pg_available_extensions");
                }
            } else if (V3.equals(version) && event == Event.BEFORE_EACH_MIGRATE) {
                turnCompressionOff(context.getConnection(), statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("TimescaleDB preparation of migration " + version + " failed", e);
        }
    }

    private static boolean apacheOnly(Statement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery("SELECT current_setting('timescaledb.license', true) = 'apache'")) {
            return rows.next() && rows.getBoolean(1);
        }
    }

    /** Decompresses and turns off compression (and its policy) on every hypertable that has it on. */
    private static void turnCompressionOff(Connection connection, Statement statement) throws SQLException {
        List<String> compressed = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery("SELECT to_regclass('timescaledb_information.hypertables') IS NOT NULL"
                + " AND (SELECT timescaledb FROM pulse_schema_mode)")) {
            if (!rows.next() || !rows.getBoolean(1)) {
                return;
            }
        }
        try (ResultSet rows = statement.executeQuery("SELECT hypertable_name FROM timescaledb_information.hypertables"
                + " WHERE hypertable_schema = current_schema() AND compression_enabled"
                + " AND hypertable_name IN (SELECT table_name FROM rollup_table_policy)")) {
            while (rows.next()) {
                compressed.add(rows.getString(1));
            }
        }
        for (String table : compressed) {
            try (var remove = connection.prepareStatement("SELECT remove_compression_policy(?::regclass, if_exists => true)");
                 var decompress = connection.prepareStatement(
                         "SELECT decompress_chunk(c, if_compressed => true) FROM show_chunks(?::regclass) c")) {
                remove.setString(1, table);
                remove.execute();
                decompress.setString(1, table);
                decompress.execute();
            }
            statement.execute("ALTER TABLE \"" + table + "\" SET (timescaledb.compress = false)");
        }
    }

    @Override
    public String getCallbackName() {
        return "timescaledb-preparation";
    }
}
