package io.pulse.devstack.traffic;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.pulse.contracts.amqp.EventTopology;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Synthetic traffic for the local platform, published as a producer would (one JSON array per message,
 * routing key {@code <tenant>.<shard>}, a correlation id, the AMQP timestamp, persistent, confirmed):
 * several tenants and metrics whose rate follows a daily curve with bursts now and then, a trickle of
 * late events (minutes old, which the job merges as corrections) and of malformed ones (which it
 * dead-letters with their reason).
 */
public final class DemoTraffic implements Runnable {

    /** A metric of the demo: its name and the typical value around which its values spread. */
    private record Metric(String name, double typical) { }

    private static final List<Metric> METRICS = List.of(new Metric("checkout.latency_ms", 180),
            new Metric("page.views", 1), new Metric("api.requests", 1), new Metric("orders.value", 60));
    private static final List<String> REGIONS = List.of("eu-west", "us-east", "ap-south");
    private static final List<String> DEVICES = List.of("web", "ios", "android");
    private static final int EVENTS_PER_MESSAGE = 50;
    /** One message in this many carries a malformed event besides its good ones. */
    private static final int MALFORMED_EVERY = 200;
    private static final double LATE_SHARE = 0.002;

    private final String amqpUri;
    private final EventTopology topology;
    private final List<String> tenants;
    private final double eventsPerSecond;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final SplittableRandom random = new SplittableRandom();

    public DemoTraffic(String amqpUri, EventTopology topology, List<String> tenants, double eventsPerSecond, Clock clock) {
        this.amqpUri = amqpUri;
        this.topology = topology;
        this.tenants = tenants;
        this.eventsPerSecond = eventsPerSecond;
        this.clock = clock;
    }

    /**
     * Runs on its own, as docker-compose's generator does: {@code --amqp-uri URI} (required),
     * {@code --events-per-second N} (300), {@code --shards N} (4, as the job's default), {@code --exchange}
     * (pulse.events); tenants acme and globex. Returns when publishing fails.
     */
    public static void main(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String uri = Objects.requireNonNull(options.get("amqp-uri"), "--amqp-uri is required");
        EventTopology topology = new EventTopology(options.getOrDefault("exchange", EventTopology.DEFAULT.exchange()),
                Integer.parseInt(options.getOrDefault("shards", Integer.toString(EventTopology.DEFAULT.shards()))));
        new DemoTraffic(uri, topology, List.of("acme", "globex"),
                Double.parseDouble(options.getOrDefault("events-per-second", "300")), Clock.systemUTC()).run();
    }

    /** The names of the metrics the traffic sends. */
    public static List<String> metricNames() {
        return METRICS.stream().map(Metric::name).toList();
    }

    public void stop() {
        running.set(false);
    }

    /**
     * The share of the full rate at {@code time}: a daily curve (quiet at night, busiest in the afternoon,
     * UTC) times a burst of three times the rate in one minute of every twenty.
     */
    static double loadAt(ZonedDateTime time) {
        double hour = time.getHour() + time.getMinute() / 60.0;
        double daily = 0.55 + 0.45 * Math.sin((hour - 9) / 24 * 2 * Math.PI);
        boolean burst = time.getMinute() % 20 == 7;
        return daily * (burst ? 3 : 1);
    }

    @Override
    public void run() {
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(amqpUri);
            try (Connection connection = factory.newConnection("pulse-demo-traffic"); Channel channel = connection.createChannel()) {
                topology.declare(channel);
                channel.confirmSelect();
                long next = System.nanoTime();
                while (running.get()) {
                    long now = clock.millis();
                    String tenant = tenants.get(random.nextInt(tenants.size()));
                    channel.basicPublish(topology.exchange(), topology.routingKey(tenant, random.nextInt(topology.shards())),
                            new AMQP.BasicProperties.Builder().correlationId(UUID.randomUUID().toString())
                                    .contentType("application/json").deliveryMode(2).timestamp(new Date(now)).build(),
                            message(now).getBytes(StandardCharsets.UTF_8));
                    channel.waitForConfirmsOrDie(10_000);
                    double rate = eventsPerSecond * loadAt(ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
                    next += (long) (EVENTS_PER_MESSAGE / rate * 1e9);
                    LockSupport.parkNanos(next - System.nanoTime()); // paces the rate; returns at once when behind
                }
            }
        } catch (Exception e) {
            if (running.get()) {
                System.err.println("demo traffic stopped: " + e);
            }
        }
    }

    /** One message: {@link #EVENTS_PER_MESSAGE} events of one tenant, now and then a late or a malformed one. */
    String message(long now) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < EVENTS_PER_MESSAGE; i++) {
            Metric metric = METRICS.get(random.nextInt(METRICS.size()));
            long timestamp = random.nextDouble() < LATE_SHARE ? now - 60_000 * (2 + random.nextInt(4)) : now - random.nextInt(500);
            double value = metric.typical() == 1 ? 1 : Math.round(metric.typical() * Math.exp(random.nextGaussian() * 0.5) * 100) / 100.0;
            json.append(i == 0 ? "" : ",")
                    .append("{\"metric\":\"").append(metric.name())
                    .append("\",\"timestamp\":").append(timestamp)
                    .append(",\"value\":").append(value)
                    .append(",\"dimensions\":{\"region\":\"").append(REGIONS.get(random.nextInt(REGIONS.size())))
                    .append("\",\"device\":\"").append(DEVICES.get(random.nextInt(DEVICES.size())))
                    .append("\",\"user\":\"u-").append(random.nextInt(5_000)).append("\"}}");
        }
        if (random.nextInt(MALFORMED_EVERY) == 0) {
            json.append(",{\"metric\":\"Checkout Latency\",\"timestamp\":").append(now).append(",\"value\":\"fast\"}");
        }
        return json.append(']').toString();
    }
}
