package io.pulse.serving.query;

import io.micronaut.serde.annotation.Serdeable;

import java.util.List;
import java.util.Map;

/** The answer to a {@link SeriesQuery}: one series per group, points in time order. */
@Serdeable
public record SeriesResult(String metric, String step, String aggregate, List<Series> series) {

    /** A point: bucket start in epoch ms and the aggregate's value over the bucket. */
    @Serdeable
    public record Point(long time, double value) { }

    /** One group's points; {@code group} holds the group-by dimensions' values ("" where absent). */
    @Serdeable
    public record Series(Map<String, String> group, long events, List<Point> points) { }
}
