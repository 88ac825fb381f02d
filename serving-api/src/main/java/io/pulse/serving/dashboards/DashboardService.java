package io.pulse.serving.dashboards;

import io.micronaut.data.exceptions.OptimisticLockException;
import io.micronaut.core.type.Argument;
import io.micronaut.serde.ObjectMapper;
import io.pulse.serving.errors.ClientError;
import io.pulse.serving.tenancy.TenantTransactions;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Dashboards of one tenant: create, read, update with a version check, delete, list by (name, id). */
@Singleton
public class DashboardService {

    /** Raised when an update was based on a version that is no longer current. */
    public static class StaleVersionException extends ClientError {
        private static final long serialVersionUID = 1L;

        StaleVersionException() {
            super(409, "the dashboard was changed since this version; read it again and reapply the change");
        }
    }

    /** A place in the (name, id) order of a tenant's dashboards, where the next page starts after. */
    public record Position(String name, UUID id) { }

    private static final Argument<List<Dashboard.Widget>> WIDGETS = Argument.listOf(Dashboard.Widget.class);

    private final DashboardRepository repository;
    private final TenantTransactions tenants;
    private final ObjectMapper json;

    public DashboardService(DashboardRepository repository, TenantTransactions tenants, ObjectMapper json) {
        this.repository = repository;
        this.tenants = tenants;
        this.json = json;
    }

    public Dashboard create(String tenant, Dashboard dashboard) {
        return toApi(tenants.write(tenant, () -> repository.save(toRow(tenant, UUID.randomUUID(), dashboard, null))));
    }

    public Optional<Dashboard> find(String tenant, UUID id) {
        return tenants.read(tenant, () -> repository.findByIdAndTenant(id, tenant)).map(this::toApi);
    }

    /** Empty when there is no such dashboard of this tenant. */
    public Optional<Dashboard> update(String tenant, UUID id, Dashboard dashboard) {
        return tenants.write(tenant, () -> updateInTransaction(tenant, id, dashboard));
    }

    private Optional<Dashboard> updateInTransaction(String tenant, UUID id, Dashboard dashboard) {
        Optional<DashboardRow> current = repository.findByIdAndTenant(id, tenant);
        if (current.isEmpty()) {
            return Optional.empty();
        }
        if (dashboard.version() == null || !dashboard.version().equals(current.get().version())) {
            throw new StaleVersionException();
        }
        try {
            return Optional.of(toApi(repository.update(toRow(tenant, id, dashboard, dashboard.version()))));
        } catch (OptimisticLockException e) {
            throw new StaleVersionException();
        }
    }

    public boolean delete(String tenant, UUID id) {
        return tenants.write(tenant, () -> repository.deleteByIdAndTenant(id, tenant)) > 0;
    }

    /** Up to {@code limit} dashboards after {@code after} (null: from the start), in (name, id) order. */
    public List<Dashboard> page(String tenant, Position after, int limit) {
        List<DashboardRow> rows = tenants.read(tenant, () -> after == null ? repository.firstPage(tenant, limit)
                : repository.pageAfter(tenant, after.name(), after.id(), limit));
        return rows.stream().map(this::toApi).toList();
    }

    private DashboardRow toRow(String tenant, UUID id, Dashboard dashboard, Long version) {
        try {
            return new DashboardRow(id, tenant, dashboard.name(), dashboard.defaultRange(), dashboard.refreshSeconds(),
                    json.writeValueAsString(WIDGETS, dashboard.widgets()), version);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Dashboard toApi(DashboardRow row) {
        try {
            return new Dashboard(row.id(), row.name(), row.defaultRange(), row.refreshSeconds(),
                    json.readValue(row.widgets(), WIDGETS), row.version());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
