package io.pulse.serving.query;

import io.pulse.contracts.rollup.Granularity;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the HTTP query parameters of a series request into a {@link SeriesQuery}, the same for /v1 and
 * /v2. Filters are {@code dimension:op:value} with op {@code eq}, {@code in} (repeat it for more values)
 * or {@code not}; the value may itself contain colons.
 */
public final class QueryParameters {

    private QueryParameters() {
    }

    public static SeriesQuery series(String metric, String from, String to, String step, String aggregate,
                                     String groupBy, List<String> filters, Integer limit) {
        Instant start = instant(from, "from");
        Instant end = to == null ? Instant.now() : instant(to, "to");
        Granularity granularity = null;
        if (step != null) {
            try {
                granularity = Granularity.fromCode(step);
            } catch (IllegalArgumentException e) {
                throw new QueryException("step must be one of 10s, 1m, 1h, 5m-every-10s");
            }
        }
        List<String> groups = groupBy == null || groupBy.isBlank() ? List.of()
                : Arrays.stream(groupBy.split(",")).map(String::trim).toList();
        return new SeriesQuery(metric, start, end, granularity,
                aggregate == null ? Aggregate.COUNT : Aggregate.fromCode(aggregate),
                groups, filters(filters), limit == null ? 0 : limit);
    }

    private static Instant instant(String text, String name) {
        if (text == null) {
            throw new QueryException(name + " is required (ISO-8601 instant, e.g. 2026-11-25T10:00:00Z)");
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new QueryException(name + " must be an ISO-8601 instant, e.g. 2026-11-25T10:00:00Z");
        }
    }

    /** Filters written {@code dimension:op:value}; repeated IN or NOT on one dimension join their values. */
    public static List<DimensionFilter> filters(List<String> specs) {
        Map<String, DimensionFilter.Operator> operators = new LinkedHashMap<>();
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (String spec : specs == null ? List.<String>of() : specs) {
            String[] parts = spec.split(":", 3);
            if (parts.length != 3) {
                throw new QueryException("a filter is dimension:op:value with op eq, in or not");
            }
            DimensionFilter.Operator operator = switch (parts[1].toLowerCase(Locale.ROOT)) {
                case "eq" -> DimensionFilter.Operator.EQUALS;
                case "in" -> DimensionFilter.Operator.IN;
                case "not" -> DimensionFilter.Operator.NOT;
                default -> throw new QueryException("a filter's op is eq, in or not");
            };
            String key = parts[0] + ':' + operator;
            operators.put(key, operator);
            values.computeIfAbsent(key, k -> new ArrayList<>()).add(parts[2]);
        }
        List<DimensionFilter> filters = new ArrayList<>();
        operators.forEach((key, operator) -> filters.add(
                new DimensionFilter(key.substring(0, key.lastIndexOf(':')), operator, values.get(key))));
        return filters;
    }
}
