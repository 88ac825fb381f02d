package io.pulse.serving.graphql;

import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import io.pulse.serving.cache.CachedSeries;
import io.pulse.serving.query.QueryParameters;
import io.pulse.serving.query.SeriesResult;
import io.pulse.serving.security.Permission;
import jakarta.inject.Singleton;
import java.util.List;

/** {@code Query.series}: the series engine through the cache, with REST's parameters. */
@Singleton
class SeriesFetcher implements DataFetcher<SeriesResult> {

    private final CachedSeries series;

    SeriesFetcher(CachedSeries series) {
        this.series = series;
    }

    @Override
    public SeriesResult get(DataFetchingEnvironment environment) {
        List<String> groupBy = environment.getArgument("groupBy");
        return series.series(GraphQLCaller.require(environment, Permission.METRICS_READ).tenant(), QueryParameters.series(
                environment.getArgument("metric"), environment.getArgument("from"), environment.getArgument("to"),
                environment.getArgument("step"), environment.getArgument("aggregate"), String.join(",", groupBy),
                environment.getArgument("filters"), environment.getArgument("limit")));
    }
}
