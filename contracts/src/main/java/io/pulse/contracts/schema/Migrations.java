package io.pulse.contracts.schema;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies the versioned schema in {@code db/migration} (kept here so the job and the serving tier
 * apply the same one). The migrations detect TimescaleDB themselves and fall back to native range
 * partitions without it.
 */
public final class Migrations {

    private Migrations() {
    }

    public static MigrateResult apply(String jdbcUrl, String user, String password) {
        return Flyway.configure()
                .dataSource(jdbcUrl, user, password)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }
}
