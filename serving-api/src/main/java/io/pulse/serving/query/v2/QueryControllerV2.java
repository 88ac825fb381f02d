package io.pulse.serving.query.v2;

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
import io.pulse.serving.query.QueryException;
import io.pulse.serving.query.SeriesResult;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * /v2 of the history API over the same engine as /v1; it differs only at the edge: series are columnar
 * (one shared time axis, one value array per group, null where a group has no point), lists are paged
 * with an opaque cursor, and every error is an RFC 7807 problem.
 */
@Controller("/v2")
@Secured(SecurityRule.IS_AUTHENTICATED)
@RequiresPermission(Permission.METRICS_READ)
@ExecuteOn(TaskExecutors.BLOCKING) // JDBC and Redis calls block: never on the network event loop
public class QueryControllerV2 {

    @Serdeable
    public record Column(Map<String, String> group, long events, List<@Nullable Double> values) { }

    @Serdeable
    public record ColumnarSeries(String metric, String step, String aggregate, List<Long> times, List<Column> series) { }

    @Serdeable
    public record MetricsPage(List<MetricCatalog.Metric> items, @Nullable String nextCursor) { }

    private final CachedSeries series;
    private final CachedCatalog catalog;

    public QueryControllerV2(CachedSeries series, CachedCatalog catalog) {
        this.series = series;
        this.catalog = catalog;
    }

    @Get("/metrics{?since,top,cursor,limit}")
    public MetricsPage metrics(Caller caller, @QueryValue @Nullable Instant since, @QueryValue @Nullable Integer top,
                               @QueryValue @Nullable String cursor, @QueryValue @Nullable Integer limit) {
        String after = cursor == null ? null : decode(cursor);
        int size = limit == null ? 50 : Math.min(Math.max(limit, 1), 500);
        List<MetricCatalog.Metric> all = catalog.metrics(caller.tenant(),
                since == null ? Instant.now().minus(Duration.ofDays(7)) : since, top == null ? 10 : Math.min(top, 100));
        List<MetricCatalog.Metric> page = all.stream()
                .filter(m -> after == null || m.name().compareTo(after) > 0).limit(size + 1L).toList();
        String next = page.size() > size ? encode(page.get(size - 1).name()) : null;
        return new MetricsPage(page.subList(0, Math.min(size, page.size())), next);
    }

    @Get(value = "/metrics/{metric}/series{?from,to,step,aggregate,groupBy,filter,limit,format}",
            produces = {MediaType.APPLICATION_JSON, "text/csv"})
    // the body's type is decided per request (JSON or CSV), so the document names it here
    @ApiResponse(responseCode = "200", description = "the series, columnar; CSV when asked for", content = {
        @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ColumnarSeries.class)),
        @Content(mediaType = "text/csv", schema = @Schema(type = "string"))})
    public HttpResponse<?> series(HttpRequest<?> request, Caller caller, @PathVariable String metric,
                                  @RequestBean SeriesParameters parameters) {
        return parameters.respond(request, caller, () -> series.answer(caller.tenant(), parameters.toQuery(metric)),
                "v2", QueryControllerV2::columnar);
    }

    static ColumnarSeries columnar(SeriesResult result) {
        TreeSet<Long> times = new TreeSet<>();
        result.series().forEach(s -> s.points().forEach(p -> times.add(p.time())));
        List<Long> axis = List.copyOf(times);
        Map<Long, Integer> position = new HashMap<>();
        for (int i = 0; i < axis.size(); i++) {
            position.put(axis.get(i), i);
        }
        List<Column> columns = new ArrayList<>();
        for (SeriesResult.Series series : result.series()) {
            List<Double> values = new ArrayList<>(java.util.Collections.nCopies(axis.size(), (Double) null));
            series.points().forEach(p -> values.set(position.get(p.time()), Double.isFinite(p.value()) ? p.value() : null));
            columns.add(new Column(series.group(), series.events(), values));
        }
        return new ColumnarSeries(result.metric(), result.step(), result.aggregate(), axis, columns);
    }

    private static String encode(String metric) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(metric.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new QueryException("cursor is not one this API returned");
        }
    }
}
