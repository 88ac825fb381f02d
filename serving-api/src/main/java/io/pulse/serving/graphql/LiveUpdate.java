package io.pulse.serving.graphql;

import io.pulse.serving.query.SeriesResult;
import io.pulse.serving.stream.LiveChange;
import java.util.List;

/** One event of {@code Subscription.liveSeries}: the snapshot (with {@code series}) or a delta (with {@code points}). */
public record LiveUpdate(String kind, long seq, String cursor, List<SeriesResult.Series> series,
                         List<LiveChange> points) {
}
