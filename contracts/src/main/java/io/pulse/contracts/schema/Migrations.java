package io.pulse.contracts.schema;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies the versioned schema in {@code db/migration} (kept here so the job and the serving tier
 * apply the same one). The migrations detect TimescaleDB themselves and fall back to native range
 * partitions without it; {@link TimescaleMigrationCallback} prepares TimescaleDB for the ones that
 * predate what it refuses.
 */
public final class Migrations {

    private Migrations() {
    }

    public static MigrateResult apply(String jdbcUrl, String user, String password) {
        return configure(jdbcUrl, user, password).load().migrate();
    }

    /** The one Flyway configuration (locations and TimescaleDB preparation); tests stop at a target with it. */
    public static FluentConfiguration configure(String jdbcUrl, String user, String password) {
        return Flyway.configure()
                .dataSource(jdbcUrl, user, password)
                .locations("classpath:db/migration")
                .callbacks(new TimescaleMigrationCallback());
    }
}
