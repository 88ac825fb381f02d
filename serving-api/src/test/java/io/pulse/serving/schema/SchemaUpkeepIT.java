package io.pulse.serving.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import io.pulse.contracts.testing.TestServices;
import io.pulse.serving.testing.ServingProperties;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemaUpkeepIT {

    private static boolean exists(String url, String table) throws Exception {
        return queryBoolean(url, "SELECT to_regclass('" + table + "') IS NOT NULL");
    }

    private static boolean queryBoolean(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url, TestServices.postgres().user(),
                TestServices.postgres().password()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    @Test
    void startingTheServiceAppliesTheSharedMigrationsAndUpkeepRuns() throws Exception {
        String url = TestServices.postgres().createDatabase("pulse_schema");
        try (ApplicationContext context = ApplicationContext.run(ServingProperties.forDatabase(url, Map.of()))) {
            assertThat(exists(url, "dashboard")).isTrue();
            assertThat(exists(url, "rollup_1m")).isTrue();
            context.getBean(SchemaUpkeep.class).keepPartitions();
            if (queryBoolean(url, "SELECT timescaledb FROM pulse_schema_mode")) {
                assertThat(queryBoolean(url, "SELECT count(*) = 4 FROM timescaledb_information.hypertables"
                        + " WHERE hypertable_name LIKE 'rollup%'")).as("TimescaleDB keeps the chunks").isTrue();
            } else {
                assertThat(exists(url, "rollup_10s_default")).isTrue();
            }
        } finally {
            TestServices.postgres().dropDatabase(url);
        }
        String unmanaged = TestServices.postgres().createDatabase("pulse_schema");
        try (ApplicationContext context = ApplicationContext.run(ServingProperties.forDatabase(unmanaged,
                Map.of("pulse.schema.manage", false)))) {
            assertThat(context.containsBean(SchemaUpkeep.class)).isFalse();
            assertThat(exists(unmanaged, "dashboard")).isFalse();
        } finally {
            TestServices.postgres().dropDatabase(unmanaged);
        }
    }
}
