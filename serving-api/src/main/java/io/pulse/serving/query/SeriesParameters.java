package io.pulse.serving.query;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.QueryValue;
import io.pulse.serving.cache.Answer;
import io.pulse.serving.caller.Caller;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The query parameters of a series request, bound once for /v1 and /v2 ({@code @RequestBean}), and the
 * answer in the format asked for: CSV, or JSON in the version's own shape.
 */
@Introspected
public record SeriesParameters(@Nullable @QueryValue String from, @Nullable @QueryValue String to,
                               @Nullable @QueryValue String step, @Nullable @QueryValue String aggregate,
                               @Nullable @QueryValue String groupBy, @Nullable @QueryValue List<String> filter,
                               @Nullable @QueryValue Integer limit, @Nullable @QueryValue String format) {

    public SeriesQuery toQuery(String metric) {
        return QueryParameters.series(metric, from, to, step, aggregate, groupBy, filter, limit);
    }

    /**
     * CSV when asked for (an export: the caller needs {@code exports:create} too), else the JSON of the
     * version's {@code shape} of the result, rendered once per cached answer ({@code view} names the shape).
     */
    public HttpResponse<?> respond(HttpRequest<?> request, Caller caller, Supplier<Answer<SeriesResult>> answer,
                                   String view, Function<SeriesResult, ?> shape) {
        return Csv.respond(request, caller, format, answer, found -> found.json(view, shape),
                (found, out) -> Csv.write(found.value(), out));
    }
}
