package io.pulse.rollup.window;

import io.pulse.contracts.event.Event;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.rollup.SeriesKey;
import java.util.function.BiConsumer;

/**
 * One pane's partials by series. An event finds its series' partial by a hash of its tenant, metric and
 * kept dimensions, compared against the first event of each series: the series key (a canonical JSON
 * string) is built once per series and pane, not once per event, which the pipeline's profile showed to
 * be a large share of its cost.
 */
final class PanePartials {

    private final SeriesDimensions dimensions;
    /** Chained buckets indexed by the low bits of the hash; its length is a power of two. */
    private Slot[] table = new Slot[64];
    private int size;

    private static final class Slot {
        final long hash;
        final Event first;
        final RollupAggregate partial;
        final Slot next;

        Slot(long hash, Event first, Slot next, RollupAggregate partial) {
            this.hash = hash;
            this.first = first;
            this.next = next;
            this.partial = partial;
        }
    }

    PanePartials(SeriesDimensions dimensions) {
        this.dimensions = dimensions;
    }

    /** The partial of {@code event}'s series, new and empty when the pane had none. */
    RollupAggregate partialFor(Event event) {
        long hash = dimensions.series().hashOf(event);
        int index = index(hash, table.length);
        for (Slot slot = table[index]; slot != null; slot = slot.next) {
            if (slot.hash == hash && dimensions.series().sameSeries(event, slot.first)) {
                return slot.partial;
            }
        }
        if (size >= table.length * 3 / 4) {
            grow();
            index = index(hash, table.length);
        }
        Slot slot = new Slot(hash, event, table[index], new RollupAggregate());
        table[index] = slot;
        size++;
        return slot.partial;
    }

    int size() {
        return size;
    }

    void forEach(BiConsumer<SeriesKey, RollupAggregate> action) {
        for (Slot head : table) {
            for (Slot slot = head; slot != null; slot = slot.next) {
                action.accept(dimensions.seriesOf(slot.first), slot.partial);
            }
        }
    }

    private void grow() {
        Slot[] larger = new Slot[table.length * 2];
        for (Slot head : table) {
            for (Slot slot = head; slot != null; slot = slot.next) {
                int index = index(slot.hash, larger.length);
                larger[index] = new Slot(slot.hash, slot.first, larger[index], slot.partial);
            }
        }
        table = larger;
    }

    private static int index(long hash, int length) {
        return (int) (hash ^ (hash >>> 32)) & (length - 1);
    }
}
