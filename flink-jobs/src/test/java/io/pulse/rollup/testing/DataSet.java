package io.pulse.rollup.testing;

import io.pulse.contracts.event.Event;
import io.pulse.contracts.event.EventJson;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A known input for the pipeline tests, in three phases: the main messages (events out of order,
 * duplicate deliveries, malformed and id-less messages, events naming another tenant than their
 * routing key), sentinel events that move every shard's watermark past all windows, and events that
 * arrive after their windows closed, which must correct the stored rows.
 */
public final class DataSet {

    /** One AMQP message to publish with routing key {@code <tenant>.<shard>}; a null correlation id is published without one. */
    public record Message(int shard, String tenant, String correlationId, String body) { }

    /** A rejection the dead-letter table must hold. */
    public record ExpectedRejection(String reason, String correlationId, int index) { }

    public static final String SENTINEL_TENANT = "sentinel";

    public final long hourStart;
    public final List<Event> counted = new ArrayList<>();
    public final List<Message> main = new ArrayList<>();
    public final List<Message> sentinels = new ArrayList<>();
    public final List<Message> late = new ArrayList<>();
    public final List<Event> lateEvents = new ArrayList<>();
    public final List<ExpectedRejection> rejections = new ArrayList<>();

    /** An hour long, in milliseconds. */
    public static final long HOUR = 3_600_000L;

    /** The start of the hour two hours ago: a data set's {@code hourStart} that the validator accepts. */
    public static long hourTwoHoursAgo() {
        return Math.floorDiv(System.currentTimeMillis(), HOUR) * HOUR - 2 * HOUR;
    }

    /**
     * @param hourStart an hour at least two hours ago (inside the validator's past skew)
     * @param maxDisplacementMillis how far an event may be moved back in the sending order; keep it
     *                              below the allowed lateness so no event of the main phase is late
     */
    public DataSet(long hourStart, int shards, int eventsPerMetric, int batchSize, long maxDisplacementMillis,
                   long seed) {
        this.hourStart = hourStart;
        Random random = new Random(seed);
        List<Event> events = new ArrayList<>();
        for (String tenant : List.of("acme", "globex")) {
            events.addAll(events(random, tenant, "latency", List.of("eu", "us"), List.of("ios", "web"), eventsPerMetric));
            events.addAll(events(random, tenant, "bytes", List.of("eu", "us", "ap"), List.of(), eventsPerMetric));
        }
        // out of order: sort by a time jittered by up to maxDisplacement, so events arrive late but within bounds
        Map<Event, Long> sendAt = new HashMap<>();
        events.forEach(e -> sendAt.put(e, e.timestamp() + (long) (random.nextDouble() * maxDisplacementMillis)));
        events.sort(Comparator.comparing(sendAt::get));
        counted.addAll(events);

        // a message holds one tenant's events (its routing key names the tenant); batches in sending order
        Map<String, List<Event>> open = new HashMap<>();
        int messageNumber = 0;
        for (Event event : events) {
            List<Event> batch = open.computeIfAbsent(event.tenant(), t -> new ArrayList<>());
            batch.add(event);
            if (batch.size() == batchSize || event == events.get(events.size() - 1)) {
                main.add(new Message(messageNumber % shards, event.tenant(), "main-" + messageNumber,
                        EventJson.writeBatch(batch)));
                messageNumber++;
                open.remove(event.tenant());
            }
        }
        for (Map.Entry<String, List<Event>> rest : open.entrySet()) {
            main.add(new Message(messageNumber % shards, rest.getKey(), "main-" + messageNumber,
                    EventJson.writeBatch(rest.getValue())));
            messageNumber++;
        }
        // a producer retry: the same messages again, same shard and correlation id, shortly after
        for (int i = 0; i < Math.min(10, main.size()); i++) {
            Message original = main.get(i * main.size() / 10);
            main.add(Math.min(main.size(), main.indexOf(original) + 3), original);
        }
        addMalformed(shards);
        addSentinels(shards);
        addLate(random, shards);
    }

    private List<Event> events(Random random, String tenant, String metric, List<String> regions,
                               List<String> devices, int n) {
        List<Event> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<String, String> dimensions = new HashMap<>();
            dimensions.put("region", regions.get(random.nextInt(regions.size())));
            if (!devices.isEmpty()) {
                dimensions.put("device", devices.get(random.nextInt(devices.size())));
            }
            dimensions.put("user", "user-" + random.nextInt(300));
            // three minutes of traffic; values are multiples of 1/4 so every sum is exact in any order
            long timestamp = hourStart + (long) (random.nextDouble() * 180_000);
            events.add(new Event(tenant, metric, timestamp, (1 + random.nextInt(20_000)) / 4.0, dimensions, null));
        }
        return events;
    }

    private void addMalformed(int shards) {
        main.add(0, new Message(0, "acme", "bad-json", "[{\"tenant\":\"acme\",\"metric\":"));
        rejections.add(new ExpectedRejection("malformed-json", "bad-json", -1));

        Event valid = new Event("acme", "latency", hourStart + 1_000, 1, Map.of("region", "eu"), null);
        main.add(1, new Message(1 % shards, "acme", null, EventJson.writeBatch(List.of(valid, valid))));
        rejections.add(new ExpectedRejection("missing-correlation-id", null, -1));

        Event counted1 = new Event("acme", "bytes", hourStart + 2_000, 8, Map.of("region", "eu"), null);
        Event counted2 = new Event("globex", "bytes", hourStart + 3_000, 16, Map.of("region", "us"), null);
        String mixed = "[" + EventJson.write(counted1)
                + ",{\"tenant\":\"acme\",\"metric\":\"bytes\",\"timestamp\":" + (hourStart + 2_000) + ",\"value\":\"x\"}"
                + ",{\"tenant\":\"Acme!\",\"metric\":\"bytes\",\"timestamp\":" + (hourStart + 2_000) + ",\"value\":1}"
                + "," + EventJson.write(counted2)
                + ",{\"tenant\":\"acme\",\"metric\":\"bytes\",\"timestamp\":0,\"value\":1}]";
        main.add(2, new Message(0, "acme", "mixed", mixed)); // early: its events must not be late
        counted.add(counted1);
        rejections.add(new ExpectedRejection("invalid-type", "mixed", 1));
        // the routing key says acme: a body naming another tenant (valid name or not) is refused
        rejections.add(new ExpectedRejection("tenant-mismatch", "mixed", 2));
        rejections.add(new ExpectedRejection("tenant-mismatch", "mixed", 3));
        rejections.add(new ExpectedRejection("timestamp-too-old", "mixed", 4));
        // globex may use the same correlation id on the same shard: its message is its own (issue 9, case 6)
        // with it, an event without dimensions: one series of its own, archived like any other
        Event bare = new Event("globex", "orders", hourStart + 4_000, 2, Map.of(), null);
        main.add(3, new Message(0, "globex", "mixed", "[" + EventJson.write(counted2)
                + ",{\"tenant\":\"globex\",\"metric\":\"orders\",\"timestamp\":" + bare.timestamp() + ",\"value\":2}]"));
        counted.add(counted2);
        counted.add(bare);
    }

    /** Per shard, two events past the hour plus lateness: the watermark of every shard passes all windows. */
    private void addSentinels(int shards) {
        for (int shard = 0; shard < shards; shard++) {
            for (long offset : new long[] {3_700_000, 3_760_000}) {
                Event tick = new Event(SENTINEL_TENANT, "tick", hourStart + offset, 1,
                        Map.of("shard", Integer.toString(shard)), null);
                sentinels.add(new Message(shard, SENTINEL_TENANT, "sentinel-" + shard + "-" + offset,
                        EventJson.write(tick)));
            }
        }
    }

    private void addLate(Random random, int shards) {
        for (int shard = 0; shard < shards; shard++) {
            List<Event> batch = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                batch.add(new Event("acme", "latency", hourStart + random.nextInt(180_000), 99_999,
                        Map.of("region", "eu", "device", "ios", "user", "late"), null));
            }
            late.add(new Message(shard, "acme", "late-" + shard, EventJson.writeBatch(batch)));
            lateEvents.addAll(batch);
        }
    }
}
