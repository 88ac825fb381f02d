package io.pulse.serving.stream;

import java.util.AbstractList;
import java.util.List;
import java.util.function.Function;

/**
 * One recomputation's changed points, handed to every subscriber of a live query. Their JSON is rendered
 * once for all of them: with hundreds of sockets on one series, serializing the same points per socket
 * was most of the fan-out's cost.
 */
public final class LiveChanges extends AbstractList<LiveChange> {

    private final List<LiveChange> changes;
    private volatile String json;

    public LiveChanges(List<LiveChange> changes) {
        this.changes = List.copyOf(changes);
    }

    @Override
    public LiveChange get(int index) {
        return changes.get(index);
    }

    @Override
    public int size() {
        return changes.size();
    }

    /** The points' JSON, rendered by {@code render} the first time it is asked for; concurrent first calls may both render. */
    String json(Function<List<LiveChange>, String> render) {
        String rendered = json;
        if (rendered == null) {
            rendered = render.apply(changes);
            json = rendered;
        }
        return rendered;
    }
}
