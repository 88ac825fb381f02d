package io.pulse.serving.graphql;

import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import io.pulse.serving.query.Heatmaps;
import io.pulse.serving.query.QueryParameters;
import io.pulse.serving.query.SeriesQuery;
import io.pulse.serving.security.Permission;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;

/** {@code Query.correlation}: the correlation heatmap, as REST's {@code /heatmaps/correlation}. */
@Singleton
class CorrelationFetcher implements DataFetcher<Map<String, Object>> {

    private final Heatmaps heatmaps;

    CorrelationFetcher(Heatmaps heatmaps) {
        this.heatmaps = heatmaps;
    }

    @Override
    public Map<String, Object> get(DataFetchingEnvironment environment) {
        List<String> metrics = environment.getArgument("metrics");
        SeriesQuery range = QueryParameters.series("m", environment.getArgument("from"), environment.getArgument("to"),
                null, environment.getArgument("aggregate"), null, null, null);
        Heatmaps.Correlation correlation = heatmaps.correlation(GraphQLCaller.require(environment, Permission.METRICS_READ).tenant(), metrics,
                range.from(), range.to(), range.aggregate());
        return Map.of("metrics", correlation.metrics(), "step", correlation.step(),
                "values", Heatmaps.cells(correlation.values()));
    }
}
