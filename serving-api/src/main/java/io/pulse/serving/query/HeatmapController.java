package io.pulse.serving.query;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
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
 * value (no overlap, no events) are null. With {@code format=csv} (an export) the matrix is CSV: a header
 * of the column names, then one row per row name, empty where the JSON has null.
 */
@Controller
@Secured(SecurityRule.IS_AUTHENTICATED)
@RequiresPermission(Permission.METRICS_READ)
@ExecuteOn(TaskExecutors.BLOCKING) // JDBC and Redis calls block: never on the network event loop
public class HeatmapController {

    @Serdeable
    public record Matrix(List<String> rows, List<String> columns, List<List<@Nullable Double>> values) { }

    private static final List<String> WEEKDAYS = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");

    private final Heatmaps heatmaps;

    public HeatmapController(Heatmaps heatmaps) {
        this.heatmaps = heatmaps;
    }

    @Get(uris = {"/v1/heatmaps/correlation{?metrics,from,to,aggregate,format}",
                 "/v2/heatmaps/correlation{?metrics,from,to,aggregate,format}"},
            produces = {MediaType.APPLICATION_JSON, "text/csv"})
    @ApiResponse(responseCode = "200", description = "the matrix; CSV when asked for", content = {
        @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Matrix.class)),
        @Content(mediaType = "text/csv", schema = @Schema(type = "string"))})
    public HttpResponse<?> correlation(HttpRequest<?> request, Caller caller, @QueryValue @Nullable String metrics,
                                       @QueryValue @Nullable String from, @QueryValue @Nullable String to,
                                       @QueryValue @Nullable String aggregate, @QueryValue @Nullable String format) {
        return Csv.respond(request, caller, format, () -> {
            SeriesQuery range = QueryParameters.series("m", from, to, null, aggregate, null, null, null);
            List<String> names = metrics == null ? List.of() : Arrays.stream(metrics.split(",")).map(String::trim).toList();
            Heatmaps.Correlation correlation = heatmaps.correlation(caller.tenant(), names, range.from(), range.to(),
                    range.aggregate());
            return new Matrix(names, names, Heatmaps.cells(correlation.values()));
        }, matrix -> matrix, (matrix, out) -> Csv.write("metric", matrix.rows(), matrix.columns(), matrix.values(), out));
    }

    @Get(uris = {"/v1/heatmaps/hour-by-weekday/{metric}{?from,to,aggregate,format}",
                 "/v2/heatmaps/hour-by-weekday/{metric}{?from,to,aggregate,format}"},
            produces = {MediaType.APPLICATION_JSON, "text/csv"})
    @ApiResponse(responseCode = "200", description = "the matrix; CSV when asked for", content = {
        @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Matrix.class)),
        @Content(mediaType = "text/csv", schema = @Schema(type = "string"))})
    public HttpResponse<?> hourByWeekday(HttpRequest<?> request, Caller caller, String metric,
                                         @QueryValue @Nullable String from, @QueryValue @Nullable String to,
                                         @QueryValue @Nullable String aggregate, @QueryValue @Nullable String format) {
        return Csv.respond(request, caller, format, () -> {
            SeriesQuery range = QueryParameters.series(metric, from, to, null, aggregate, null, null, null);
            Heatmaps.HourByWeekday matrix = heatmaps.hourByWeekday(caller.tenant(), metric, range.from(), range.to(),
                    range.aggregate());
            List<String> hours = new ArrayList<>();
            for (int hour = 0; hour < 24; hour++) {
                hours.add(String.format("%02d", hour));
            }
            return new Matrix(WEEKDAYS, hours, Heatmaps.cells(matrix.values()));
        }, matrix -> matrix, (matrix, out) -> Csv.write("weekday", matrix.rows(), matrix.columns(), matrix.values(), out));
    }
}
