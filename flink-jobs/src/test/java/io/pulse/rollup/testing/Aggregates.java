package io.pulse.rollup.testing;

import io.pulse.contracts.event.Event;
import io.pulse.contracts.rollup.RollupAggregate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Test events and their direct aggregates. */
public final class Aggregates {

    private Aggregates() {
    }

    /** {@code n} events of one series spread over [start, start + span), values exact in binary (x/4). */
    public static List<Event> events(Random random, String tenant, String metric, Map<String, String> series,
                                     long start, long span, int n) {
        List<Event> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<String, String> dimensions = new java.util.HashMap<>(series);
            dimensions.put("user", "u" + random.nextInt(400));
            events.add(new Event(tenant, metric, start + (long) (random.nextDouble() * span),
                    (1 + random.nextInt(40_000)) / 4.0, dimensions, null));
        }
        return events;
    }

    /** The aggregate of the events in [from, to). */
    public static RollupAggregate of(List<Event> events, long from, long to) {
        RollupAggregate aggregate = new RollupAggregate();
        for (Event event : events) {
            if (event.timestamp() >= from && event.timestamp() < to) {
                aggregate.add(event.value(), event.dimensions().get("user"));
            }
        }
        return aggregate;
    }
}
