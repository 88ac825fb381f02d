package io.pulse.serving.graphql;

import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import io.pulse.serving.dashboards.Dashboard;
import io.pulse.serving.dashboards.DashboardService;
import io.pulse.serving.query.QueryException;
import io.pulse.serving.security.Permission;
import jakarta.inject.Singleton;
import java.util.List;

/** {@code Query.dashboards}: the first dashboards of the tenant in name order. */
@Singleton
class DashboardsFetcher implements DataFetcher<List<Dashboard>> {

    static final int MAX_FIRST = 100;

    private final DashboardService dashboards;

    DashboardsFetcher(DashboardService dashboards) {
        this.dashboards = dashboards;
    }

    @Override
    public List<Dashboard> get(DataFetchingEnvironment environment) {
        int first = environment.getArgument("first");
        if (first < 1 || first > MAX_FIRST) {
            throw new QueryException("first must be between 1 and " + MAX_FIRST);
        }
        return dashboards.page(GraphQLCaller.require(environment, Permission.DASHBOARDS_READ).tenant(), null, first);
    }
}
