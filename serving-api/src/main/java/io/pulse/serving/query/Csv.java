package io.pulse.serving.query;

import io.micronaut.core.io.Writable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.pulse.serving.caller.Caller;
import io.pulse.serving.security.Forbidden;
import io.pulse.serving.security.Permission;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Writes series as RFC 4180 CSV: one row per point with the group's dimensions as columns. A field with a
 * comma, quote, CR or LF is quoted, quotes doubled. Rows are written one by one to the response.
 *
 * <p>Opened in a spreadsheet, a text cell starting with {@code = + - @}, tab or CR would run as a
 * formula, so such a cell gets a leading {@code '} (OWASP's CSV injection guidance; docs/security.md).
 * Numbers are written as a spreadsheet reads them: whole numbers as integers, others in plain decimal
 * notation, never with an exponent.
 */
public final class Csv {

    private Csv() {
    }

    /** CSV is asked for with {@code format=csv} or an Accept header naming text/csv. */
    public static boolean requested(HttpRequest<?> request, String format) {
        return "csv".equalsIgnoreCase(format)
                || request.accept().stream().anyMatch(type -> type.getName().equals("text/csv"));
    }

    /** How a result is written as CSV. */
    @FunctionalInterface
    public interface Body<T> {
        void write(T result, Writer out) throws IOException;
    }

    /**
     * CSV when {@link #requested asked for} (an export: the caller needs {@code exports:create} too),
     * else {@code json} of the result.
     */
    public static <T> HttpResponse<?> respond(HttpRequest<?> request, Caller caller, String format, Supplier<T> result,
                                              Function<T, Object> json, Body<T> csv) {
        if (requested(request, format)) {
            if (!caller.can(Permission.EXPORTS_CREATE)) {
                throw new Forbidden(Permission.EXPORTS_CREATE);
            }
            T exported = result.get();
            return HttpResponse.ok((Writable) out -> csv.write(exported, out)).contentType("text/csv");
        }
        return HttpResponse.ok(json.apply(result.get()));
    }

    public static void write(SeriesResult result, Writer out) throws IOException {
        TreeSet<String> dimensions = new TreeSet<>();
        result.series().forEach(s -> dimensions.addAll(s.group().keySet()));
        List<String> header = new ArrayList<>(List.of("time"));
        dimensions.forEach(d -> header.add(text(d)));
        header.add(result.aggregate());
        row(out, header);
        for (SeriesResult.Series series : result.series()) {
            for (SeriesResult.Point point : series.points()) {
                List<String> fields = new ArrayList<>(header.size());
                fields.add(Instant.ofEpochMilli(point.time()).toString());
                dimensions.forEach(d -> fields.add(text(series.group().getOrDefault(d, ""))));
                fields.add(number(point.value()));
                row(out, fields);
            }
        }
        out.flush();
    }

    /** A matrix: a header of {@code corner} and the column names, then one row per row name. */
    public static void write(String corner, List<String> rows, List<String> columns, List<List<Double>> values,
                             Writer out) throws IOException {
        List<String> header = new ArrayList<>(List.of(corner));
        columns.forEach(c -> header.add(text(c)));
        row(out, header);
        for (int r = 0; r < rows.size(); r++) {
            List<String> fields = new ArrayList<>(List.of(text(rows.get(r))));
            values.get(r).forEach(v -> fields.add(v == null ? "" : number(v)));
            row(out, fields);
        }
        out.flush();
    }

    private static void row(Writer out, List<String> fields) throws IOException {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(field(fields.get(i)));
        }
        out.write("\r\n");
    }

    /** A text cell a spreadsheet will not take for a formula. */
    static String text(String value) {
        if (!value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0) {
            return "'" + value;
        }
        return value;
    }

    static String number(double value) {
        if (!Double.isFinite(value)) {
            return "";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return BigDecimal.valueOf(value).toPlainString();
    }

    static String field(String value) {
        boolean quote = value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0
                || value.indexOf('\r') >= 0;
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }
}
