package io.pulse.serving.graphql;

import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import io.pulse.serving.cache.CachedCatalog;
import io.pulse.serving.query.MetricCatalog;
import io.pulse.serving.query.QueryException;
import io.pulse.serving.security.Permission;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code Query.metrics}: the metric catalog, as REST's {@code /metrics}. */
@Singleton
class MetricsFetcher implements DataFetcher<List<Map<String, Object>>> {

    private final CachedCatalog catalog;

    MetricsFetcher(CachedCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public List<Map<String, Object>> get(DataFetchingEnvironment environment) {
        String since = environment.getArgument("since");
        Integer top = environment.getArgument("top");
        Instant start;
        try {
            start = since == null ? Instant.now().minus(Duration.ofDays(7)) : Instant.parse(since);
        } catch (DateTimeParseException e) {
            throw new QueryException("since must be an ISO-8601 instant, e.g. 2026-11-25T10:00:00Z");
        }
        List<Map<String, Object>> metrics = new ArrayList<>();
        for (MetricCatalog.Metric metric : catalog.metrics(GraphQLCaller.require(environment, Permission.METRICS_READ).tenant(), start,
                top == null ? 10 : Math.min(Math.max(top, 1), 100))) {
            List<Map<String, Object>> dimensions = new ArrayList<>();
            metric.dimensions().forEach((name, values) -> dimensions.add(Map.of("name", name, "values", values)));
            metrics.add(Map.of("name", metric.name(), "events", metric.events(), "dimensions", dimensions));
        }
        return metrics;
    }
}
