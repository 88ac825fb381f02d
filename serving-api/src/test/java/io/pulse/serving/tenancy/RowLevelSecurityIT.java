package io.pulse.serving.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.transaction.TransactionOperations;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.testing.TestServices;
import io.pulse.serving.testing.RollupRows;
import io.pulse.serving.testing.TestServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The second wall: inside {@link TenantTransactions}, even SQL without any tenant filter sees and
 * writes only the transaction's tenant's rows: rollups through the tenant views (the role may not read
 * the tables), dashboards and API keys through PostgreSQL's row-level security.
 */
class RowLevelSecurityIT {

    private static final TestServices.Postgres POSTGRES = TestServices.postgres();
    private static TestServer server;
    private static TenantTransactions tenants;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("pulse_rls", Map.of("datasources.default.maximum-pool-size", 1));
        tenants = server.server().getApplicationContext().getBean(TenantTransactions.class);
        RollupRows rows = new RollupRows(server.url(), POSTGRES.user(), POSTGRES.password());
        Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES).minusSeconds(600);
        rows.write(Granularity.ONE_MINUTE, "acme", "latency", Map.of(), minute, new double[] {1}, 1);
        rows.write(Granularity.ONE_MINUTE, "globex", "latency", Map.of(), minute, new double[] {7}, 1);
        rows.write(Granularity.ONE_HOUR, "globex", "latency", Map.of(), minute, new double[] {7}, 1);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static List<String> column(String tenant, String sql) {
        return tenants.read(tenant, connection -> {
            List<String> values = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(sql);
                 ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
            return values;
        });
    }

    private static int insertDashboard(String transactionTenant, String rowTenant) {
        return tenants.write(transactionTenant, connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO dashboard (id, tenant, name,"
                    + " default_range, refresh_seconds, widgets, version) VALUES (?, ?, 'd', 'PT1H', 10, '[]', 0)")) {
                insert.setObject(1, UUID.randomUUID());
                insert.setString(2, rowTenant);
                return insert.executeUpdate();
            }
        });
    }

    @Test
    void unfilteredReadsSeeOnlyTheTransactionsTenant() {
        assertThat(column("acme", "SELECT tenant FROM tenant_rollup_1m")).containsExactly("acme");
        assertThat(column("globex", "SELECT tenant FROM tenant_rollup_1m")).containsExactly("globex");
        assertThat(column("acme", "SELECT tenant FROM tenant_rollup_1h")).isEmpty();
        assertThat(column("acme", "SELECT current_user")).containsExactly("pulse_tenant");
    }

    @Test
    void theRollupTablesThemselvesAreClosedToTheTenantRole() {
        for (Granularity granularity : Granularity.values()) {
            assertThatThrownBy(() -> column("acme", "SELECT tenant FROM " + granularity.table()))
                    .as(granularity.table()).hasRootCauseInstanceOf(SQLException.class)
                    .rootCause().satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
        }
    }

    @Test
    void writesForAnotherTenantAreRefusedAndInvisible() {
        assertThat(insertDashboard("acme", "acme")).isEqualTo(1);
        assertThatThrownBy(() -> insertDashboard("acme", "globex")).hasRootCauseMessage(
                "ERROR: new row violates row-level security policy for table \"dashboard\"");
        assertThat(insertDashboard("globex", "globex")).isEqualTo(1);
        assertThat(column("acme", "SELECT tenant FROM dashboard")).containsExactly("acme");
        int deleted = tenants.write("acme", connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM dashboard")) {
                return delete.executeUpdate();
            }
        });
        assertThat(deleted).isEqualTo(1);
        assertThat(column("globex", "SELECT tenant FROM dashboard")).containsExactly("globex");
    }

    @Test
    void theRoleAndTenantEndWithTheTransaction() throws Exception {
        column("acme", "SELECT 1");
        // the pool holds one connection: this is the one the tenant transaction used
        @SuppressWarnings("unchecked")
        TransactionOperations<Connection> plain =
                server.server().getApplicationContext().getBean(TransactionOperations.class);
        List<String> after = plain.executeRead(status -> {
            try (PreparedStatement statement = status.getConnection().prepareStatement(
                    "SELECT current_user, coalesce(current_setting('pulse.tenant', true), '')");
                 ResultSet rows = statement.executeQuery()) {
                rows.next();
                return List.of(rows.getString(1), rows.getString(2));
            }
        });
        assertThat(after).containsExactly(POSTGRES.user(), "");
    }
}
