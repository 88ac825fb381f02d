package io.pulse.serving.stream;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.pulse.serving.query.SeriesResult;
import java.util.List;
import java.util.Map;

/** The JSON frames of the {@code /v1/stream} protocol (docs/streaming.md). */
public final class StreamMessages {

    private StreamMessages() {
    }

    /** What a client sends: {@code subscribe}, {@code unsubscribe} or {@code ping}. */
    @Serdeable
    public record ClientMessage(@Nullable String type, @Nullable String sub, @Nullable String metric,
                                @Nullable String window, @Nullable String aggregate, @Nullable List<String> filters,
                                @Nullable List<String> groupBy, @Nullable Integer points,
                                @Nullable ResumeFrom resume) { }

    /** The last sequence number and cursor a client received before it lost its connection. */
    @Serdeable
    public record ResumeFrom(long seq, String cursor) { }

    /** The first frame of a new subscription: its recent history. */
    @Serdeable
    public record Snapshot(String type, String sub, long seq, String cursor, String step, String aggregate,
                           List<SeriesResult.Series> series) { }

    /** Changed points ({@code delta}), or the points missed while away ({@code resumed}). */
    @Serdeable
    public record Delta(String type, String sub, long seq, String cursor, List<Point> points) { }

    /**
     * The text of a {@link Delta} frame from its parts already in JSON ({@code subJson} a string literal,
     * {@code pointsJson} an array): the same text as the record serialized, fields in its order, built
     * without serializing the points again for each subscriber.
     */
    static String deltaText(String subJson, long seq, StreamId cursor, String pointsJson) {
        return "{\"type\":\"delta\",\"sub\":" + subJson + ",\"seq\":" + seq + ",\"cursor\":\"" + cursor
                + "\",\"points\":" + pointsJson + "}";
    }

    /** A point's current value: the group's bucket (start, epoch ms), the aggregate and its event count. */
    @Serdeable
    public record Point(Map<String, String> group, long time, double value, long events) { }

    /** {@code unsubscribed}, {@code pong} and {@code heartbeat} (with the server's time). */
    @Serdeable
    public record Notice(String type, @Nullable String sub, @Nullable Long time) { }

    /** A refused request; {@code sub} names the subscription it concerns, if any. */
    @Serdeable
    public record Error(String type, @Nullable String sub, String code, String message) { }
}
