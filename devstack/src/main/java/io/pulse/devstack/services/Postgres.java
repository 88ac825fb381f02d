package io.pulse.devstack.services;

import io.pulse.contracts.testing.Databases;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;

/** PostgreSQL: the configured server, or PostgreSQL 15 from Maven-packaged binaries with its data in the data folder. */
public final class Postgres implements BackingService {

    public static final String DATABASE = "pulse";

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final EmbeddedPostgres embedded;

    private Postgres(String jdbcUrl, String user, String password, EmbeddedPostgres embedded) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.embedded = embedded;
    }

    /** The configured server; its database is created when missing. */
    public static Postgres configured(String jdbcUrl, String user, String password) throws SQLException {
        Databases.createIfMissing(jdbcUrl, user, password);
        return new Postgres(jdbcUrl, user, password, null);
    }

    /** An embedded server on a free port, keeping its data in {@code dataFolder} across starts. */
    public static Postgres embedded(Path dataFolder) throws SQLException {
        // a devstack killed with -9 leaves its server running on the folder
        LeftoverProcess.stop(dataFolder.resolve("postmaster.pid"), "postgres", Duration.ofSeconds(30));
        try {
            EmbeddedPostgres server = EmbeddedPostgres.builder()
                    .setDataDirectory(dataFolder)
                    .setCleanDataDirectory(false)
                    .setPort(FreePorts.any())
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setRegisterShutdownHook(false) // stopped by the devstack, after the job that writes to it
                    .setOutputRedirector(java.lang.ProcessBuilder.Redirect.DISCARD)
                    .start();
            String url = server.getJdbcUrl("postgres", DATABASE).replace("localhost", "127.0.0.1");
            Databases.createIfMissing(url, "postgres", "");
            return new Postgres(url, "postgres", "", server);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL in " + dataFolder, e);
        }
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    @Override
    public String name() {
        return "PostgreSQL";
    }

    @Override
    public String address() {
        return jdbcUrl;
    }

    @Override
    public boolean embedded() {
        return embedded != null;
    }

    @Override
    public void close() {
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
