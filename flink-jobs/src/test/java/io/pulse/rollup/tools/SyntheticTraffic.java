package io.pulse.rollup.tools;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.pulse.contracts.amqp.EventTopology;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes synthetic events at a target rate: batches of {@code batchSize} events (one JSON array per
 * AMQP message, a unique correlation id each, publisher confirms), spread round-robin over the shards.
 * Event times are the publish time, so end-to-end latency can be read off the results; a share of the
 * events ({@code lateShare}) can be stamped {@code lateByMillis} earlier, to arrive after their windows
 * were written and take the corrections path.
 */
public final class SyntheticTraffic implements Runnable {

    /** When a batch was published and how many events of each 10 s pane it held (for latency figures). */
    public record Batch(long publishedAtMillis, long paneStart, int events) { }

    private final String amqpUri;
    private final EventTopology topology;
    private final String tenant;
    private final String metric;
    private final int series;
    private final int batchSize;
    private final double eventsPerSecond;
    private final double lateShare;
    private final long lateByMillis;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong published = new AtomicLong();
    private final List<Batch> batches = new ArrayList<>();
    private final boolean recordBatches;
    private volatile long publisherCpuNanos;

    public SyntheticTraffic(String amqpUri, EventTopology topology, String tenant, String metric, int series,
                            int batchSize, double eventsPerSecond, double lateShare, long lateByMillis,
                            boolean recordBatches) {
        this.amqpUri = amqpUri;
        this.topology = topology;
        this.tenant = tenant;
        this.metric = metric;
        this.series = series;
        this.batchSize = batchSize;
        this.eventsPerSecond = eventsPerSecond;
        this.lateShare = lateShare;
        this.lateByMillis = lateByMillis;
        this.recordBatches = recordBatches;
    }

    public void stop() {
        running.set(false);
    }

    public long published() {
        return published.get();
    }

    public synchronized List<Batch> batches() {
        return List.copyOf(batches);
    }

    public long publisherCpuNanos() {
        return publisherCpuNanos;
    }

    @Override
    public void run() {
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(amqpUri);
            try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
                topology.declare(channel);
                channel.confirmSelect();
                publishLoop(channel);
                channel.waitForConfirmsOrDie(60_000);
            }
        } catch (Exception e) {
            throw new IllegalStateException("synthetic traffic stopped", e);
        } finally {
            publisherCpuNanos = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        }
    }

    private void publishLoop(Channel channel) throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        long nanosPerBatch = (long) (1e9 * batchSize / eventsPerSecond);
        long next = System.nanoTime();
        long message = 0;
        String run = Long.toString(System.currentTimeMillis(), 36);
        StringBuilder body = new StringBuilder(batchSize * 140);
        while (running.get()) {
            long now = System.currentTimeMillis();
            body.setLength(0);
            body.append('[');
            for (int i = 0; i < batchSize; i++) {
                if (i > 0) {
                    body.append(',');
                }
                body.append("{\"tenant\":\"").append(tenant).append("\",\"metric\":\"").append(metric)
                        .append("\",\"timestamp\":").append(random.nextDouble() < lateShare ? now - lateByMillis : now)
                        .append(",\"value\":").append(1 + random.nextInt(2_000))
                        .append(",\"dimensions\":{\"host\":\"h-").append(random.nextInt(series))
                        .append("\",\"user\":\"u-").append(random.nextInt(50_000)).append("\"}}");
            }
            body.append(']');
            int shard = (int) (message % topology.shards());
            AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                    .correlationId(run + "-" + message).contentType("application/json").timestamp(new Date(now)).build();
            channel.basicPublish(topology.exchange(), topology.routingKey(tenant, shard), properties,
                    body.toString().getBytes(StandardCharsets.UTF_8));
            message++;
            published.addAndGet(batchSize);
            if (recordBatches) {
                synchronized (this) {
                    batches.add(new Batch(now, Math.floorDiv(now, 10_000) * 10_000, batchSize));
                }
            }
            if (message % 64 == 0) {
                channel.waitForConfirmsOrDie(60_000); // bounds what is in flight
            }
            next += nanosPerBatch;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }
}
