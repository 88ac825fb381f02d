package io.pulse.serving.dashboards;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Every read and delete is scoped by tenant: a dashboard of another tenant is simply not found. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface DashboardRepository extends CrudRepository<DashboardRow, UUID> {

    Optional<DashboardRow> findByIdAndTenant(UUID id, String tenant);

    long deleteByIdAndTenant(UUID id, String tenant);

    @Query("SELECT * FROM dashboard WHERE tenant = :tenant ORDER BY name, id LIMIT :limit")
    List<DashboardRow> firstPage(String tenant, int limit);

    /** Keyset page: the dashboards after (name, id) in (name, id) order. */
    @Query("SELECT * FROM dashboard WHERE tenant = :tenant AND (name, id) > (:afterName, :afterId)"
            + " ORDER BY name, id LIMIT :limit")
    List<DashboardRow> pageAfter(String tenant, String afterName, UUID afterId, int limit);
}
