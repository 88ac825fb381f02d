package io.pulse.serving.query;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.pulse.serving.security.Permission;
import io.pulse.serving.security.RequiresPermission;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;
import io.pulse.serving.caller.Caller;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Heatmap matrices under /v1 and /v2 (the same shape in both; errors differ by version). Cells without a
 * value (no overlap, no events) are null.
 */
@Controller
@Secured(SecurityRule.IS_AUTHENTICATED)
@RequiresPermission(Permission.METRICS_READ)
@ExecuteOn(TaskExecutors.BLOCKING) // JDBC and Redis calls block: never on the network event loop
public class HeatmapController {

    @Serdeable
    public record Matrix(List<String> rows, List<String> columns, List<List<Double>> values) { }

    private static final List<String> WEEKDAYS = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");

    private final Heatmaps heatmaps;

    public HeatmapController(Heatmaps heatmaps) {
        this.heatmaps = heatmaps;
    }

    @Get(uris = {"/v1/heatmaps/correlation{?metrics,from,to,aggregate}",
                 "/v2/heatmaps/correlation{?metrics,from,to,aggregate}"})
    public Matrix correlation(Caller caller, @QueryValue @Nullable String metrics, @QueryValue @Nullable String from,
                              @QueryValue @Nullable String to, @QueryValue @Nullable String aggregate) {
        SeriesQuery range = QueryParameters.series("m", from, to, null, aggregate, null, null, null);
        List<String> names = metrics == null ? List.of() : Arrays.stream(metrics.split(",")).map(String::trim).toList();
        Heatmaps.Correlation correlation = heatmaps.correlation(caller.tenant(), names, range.from(), range.to(),
                range.aggregate());
        return new Matrix(names, names, Heatmaps.cells(correlation.values()));
    }

    @Get(uris = {"/v1/heatmaps/hour-by-weekday/{metric}{?from,to,aggregate}",
                 "/v2/heatmaps/hour-by-weekday/{metric}{?from,to,aggregate}"})
    public Matrix hourByWeekday(Caller caller, String metric, @QueryValue @Nullable String from,
                                @QueryValue @Nullable String to, @QueryValue @Nullable String aggregate) {
        SeriesQuery range = QueryParameters.series(metric, from, to, null, aggregate, null, null, null);
        Heatmaps.HourByWeekday matrix = heatmaps.hourByWeekday(caller.tenant(), metric, range.from(), range.to(),
                range.aggregate());
        List<String> hours = new ArrayList<>();
        for (int hour = 0; hour < 24; hour++) {
            hours.add(String.format("%02d", hour));
        }
        return new Matrix(WEEKDAYS, hours, Heatmaps.cells(matrix.values()));
    }
}
