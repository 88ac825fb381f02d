package io.pulse.serving.query.v1;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.RequestBean;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.pulse.serving.security.Permission;
import io.pulse.serving.security.RequiresPermission;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;
import io.pulse.serving.cache.CachedSeries;
import io.pulse.serving.caller.Caller;
import io.pulse.serving.cache.CachedCatalog;
import io.pulse.serving.query.MetricCatalog;
import io.pulse.serving.query.SeriesParameters;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * /v1 of the history API: series as rows of points, the metric catalog as one list. Deprecated in favour
 * of /v2 ({@code Deprecation} and {@code Sunset} headers on every /v1 response, see {@code V1DeprecationFilter}).
 */
@Controller("/v1")
@Secured(SecurityRule.IS_AUTHENTICATED)
@RequiresPermission(Permission.METRICS_READ)
@ExecuteOn(TaskExecutors.BLOCKING) // JDBC and Redis calls block: never on the network event loop
public class QueryControllerV1 {

    /** The catalog answer: the tenant's metrics. */
    @Serdeable
    public record Metrics(List<MetricCatalog.Metric> metrics) { }

    private final CachedSeries series;
    private final CachedCatalog catalog;

    public QueryControllerV1(CachedSeries series, CachedCatalog catalog) {
        this.series = series;
        this.catalog = catalog;
    }

    @Get("/metrics{?since,top}")
    public Metrics metrics(Caller caller, @QueryValue @Nullable Instant since, @QueryValue @Nullable Integer top) {
        return new Metrics(catalog.metrics(caller.tenant(), since == null ? Instant.now().minus(Duration.ofDays(7)) : since,
                top == null ? 10 : Math.min(Math.max(top, 1), 100)));
    }

    @Get(value = "/metrics/{metric}/series{?from,to,step,aggregate,groupBy,filter,limit,format}",
            produces = {MediaType.APPLICATION_JSON, "text/csv"})
    public HttpResponse<?> series(HttpRequest<?> request, Caller caller, @PathVariable String metric,
                                  @RequestBean SeriesParameters parameters) {
        return parameters.respond(request, caller, () -> series.answer(caller.tenant(), parameters.toQuery(metric)),
                "v1", result -> result);
    }
}
