package io.pulse.serving.stream;

import io.pulse.serving.query.SeriesResult;
import java.util.List;

/** Receives one live subscription's frames, in order: first a snapshot or a replay, then deltas. */
public interface LiveListener {

    /** A new subscription's history up to {@code cursor}. */
    void snapshot(StreamId cursor, SeriesResult history);

    /** A resumed subscription's points changed after its cursor, up to {@code cursor}. */
    void replay(StreamId cursor, List<LiveChange> changes);

    /** Points changed since the last frame; everything up to {@code cursor} has now been delivered. */
    void delta(StreamId cursor, LiveChanges changes);
}
