package io.pulse.serving.graphql;

import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import io.pulse.serving.dashboards.Dashboard;
import io.pulse.serving.dashboards.DashboardService;
import io.pulse.serving.query.QueryException;
import io.pulse.serving.security.Permission;
import jakarta.inject.Singleton;
import java.util.UUID;

/** {@code Query.dashboard}: one dashboard of the tenant, or null. */
@Singleton
class DashboardFetcher implements DataFetcher<Dashboard> {

    private final DashboardService dashboards;

    DashboardFetcher(DashboardService dashboards) {
        this.dashboards = dashboards;
    }

    @Override
    public Dashboard get(DataFetchingEnvironment environment) {
        UUID id;
        try {
            id = UUID.fromString(environment.getArgument("id"));
        } catch (IllegalArgumentException e) {
            throw new QueryException("id is not a dashboard id");
        }
        return dashboards.find(GraphQLCaller.require(environment, Permission.DASHBOARDS_READ).tenant(), id).orElse(null);
    }
}
