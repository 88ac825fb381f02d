package io.pulse.serving.stream;

import java.util.Map;

/**
 * The current value of one point of a live subscription: a group's bucket, recomputed from the stored
 * rows, so percentiles and distinct counts come from merged sketches as in history queries.
 *
 * @param touchedBy the newest stream entry that changed this point: a subscriber whose cursor is at or
 *                  past it has this value already
 */
public record LiveChange(Map<String, String> group, long time, double value, long events, StreamId touchedBy) {

    /** Identifies the point a change is about: newer changes of the same point replace older ones. */
    public record Point(Map<String, String> group, long time) { }

    public Point point() {
        return new Point(group, time);
    }
}
