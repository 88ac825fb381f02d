package io.pulse.serving.tenancy;

import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.function.Supplier;

/**
 * Runs one tenant's database work in a transaction as role {@code pulse_tenant} with {@code pulse.tenant}
 * set to the tenant, both for this transaction only, so PostgreSQL's row-level security (migration V3)
 * admits that tenant's rows alone: a second wall behind the tenant filter every query has of its own.
 * Repositories and the connection handed to the work share the transaction.
 */
@Singleton
public class TenantTransactions {

    /** Database work on the transaction's connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final TransactionOperations<Connection> transactions;

    public TenantTransactions(TransactionOperations<Connection> transactions) {
        this.transactions = transactions;
    }

    public <T> T read(String tenant, Work<T> work) {
        return transactions.executeRead(status -> run(status.getConnection(), tenant, work));
    }

    public <T> T write(String tenant, Work<T> work) {
        return transactions.executeWrite(status -> run(status.getConnection(), tenant, work));
    }

    /** Repository calls (which join the transaction) for {@code tenant}. */
    public <T> T write(String tenant, Supplier<T> work) {
        return write(tenant, connection -> work.get());
    }

    public <T> T read(String tenant, Supplier<T> work) {
        return read(tenant, connection -> work.get());
    }

    private static <T> T run(Connection connection, String tenant, Work<T> work) {
        try {
            try (PreparedStatement enter = connection.prepareStatement(
                    "SELECT set_config('pulse.tenant', ?, true), set_config('role', 'pulse_tenant', true)")) {
                enter.setString(1, tenant);
                enter.execute();
            }
            return work.run(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("tenant database work failed", e);
        }
    }
}
