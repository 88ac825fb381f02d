package io.pulse.serving.schema;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.scheduling.annotation.Scheduled;
import io.pulse.contracts.schema.Migrations;
import io.pulse.contracts.schema.PartitionUpkeep;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the shared migrations from {@code contracts} when the service starts (the same ones the
 * rollup job applies), and keeps the native rollup partitions every hour. Off with
 * {@code pulse.schema.manage=false} where a separate step owns the schema.
 */
@Singleton
@Requires(property = "pulse.schema.manage", value = "true", defaultValue = "true")
public class SchemaUpkeep {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaUpkeep.class);

    private final String url;
    private final String user;
    private final String password;

    public SchemaUpkeep(@Value("${datasources.default.url}") String url,
                        @Value("${datasources.default.username}") String user,
                        @Value("${datasources.default.password:}") String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    @EventListener
    public void migrate(StartupEvent event) {
        Migrations.apply(url, user, password);
    }

    @Scheduled(fixedDelay = "1h", initialDelay = "1m")
    public void keepPartitions() {
        try {
            LOG.info("partition upkeep: {}", new PartitionUpkeep(url, user, password).runOnce());
        } catch (SQLException e) {
            LOG.warn("partition upkeep failed; the DEFAULT partitions keep every row meanwhile", e);
        }
    }
}
