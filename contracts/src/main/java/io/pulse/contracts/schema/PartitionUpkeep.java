package io.pulse.contracts.schema;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs {@code pulse_partition_upkeep()}: creates native partitions ahead and drops expired ones (a
 * no-op under TimescaleDB). Whoever writes or serves the rollups runs it on a schedule; until it runs,
 * the DEFAULT partitions catch any row, so a missed run loses nothing.
 */
public final class PartitionUpkeep {

    private static final Logger LOG = Logger.getLogger(PartitionUpkeep.class.getName());

    private final String url;
    private final String user;
    private final String password;

    public PartitionUpkeep(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /** Runs upkeep once and returns what it did. */
    public String runOnce() throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, user, password);
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT pulse_partition_upkeep()")) {
            result.next();
            return result.getString(1);
        }
    }

    /** Runs upkeep every {@code period} on a daemon thread; a failed run is logged and retried next time. */
    public ScheduledExecutorService schedule(Duration period) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "pulse-partition-upkeep");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleAtFixedRate(() -> {
            try {
                LOG.fine(runOnce());
            } catch (SQLException e) {
                LOG.log(Level.WARNING, "partition upkeep failed; the DEFAULT partitions keep every row meanwhile", e);
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return scheduler;
    }
}
