package io.pulse.contracts.amqp;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The RabbitMQ topology events travel through: one topic exchange and {@code shards} durable queues.
 * A producer publishes with routing key {@code <tenant>.<shard>}; queue {@code <exchange>.shard-<n>}
 * is bound to {@code #.<n>} (tenant names may hold dots). Keeping the tenant in the routing key lets
 * RabbitMQ topic permissions restrict a producer to its own tenant, and the job holds every event of a
 * message to that tenant ({@link #tenantOf}).
 */
public record EventTopology(String exchange, int shards, String rollup) implements java.io.Serializable {

    public static final EventTopology DEFAULT = new EventTopology("pulse.events", 4);

    public EventTopology {
        if (shards < 1) {
            throw new IllegalArgumentException("at least one shard is needed");
        }
        rollup = rollup == null ? "" : rollup;
    }

    /** The default rollup's topology: the exchange and its own shard queues. */
    public EventTopology(String exchange, int shards) {
        this(exchange, shards, "");
    }

    /**
     * The queues rollup {@code name}'s job consumes: the default rollup reads the exchange's shard queues;
     * every other rollup gets queues of its own ({@code <exchange>.<name>.shard-<n>}, bound the same way),
     * so each job gets every event and jobs never compete for messages.
     */
    public EventTopology forRollup(String name) {
        return new EventTopology(exchange, shards, name.equals("default") ? "" : name);
    }

    public String queue(int shard) {
        return exchange + (rollup.isEmpty() ? "" : "." + rollup) + ".shard-" + shard;
    }

    public List<String> queues() {
        return IntStream.range(0, shards).mapToObj(this::queue).toList();
    }

    /** Spreads tenants over shards; any producer may pick another shard, the result is the same. */
    public int shardFor(String tenant, long spread) {
        return (int) Math.floorMod(tenant.hashCode() + spread, (long) shards);
    }

    public String routingKey(String tenant, int shard) {
        return tenant + "." + shard;
    }

    /** The producer's tenant named by a routing key: all before its last dot ({@code ""} when none). */
    public static String tenantOf(String routingKey) {
        int dot = routingKey.lastIndexOf('.');
        return dot < 0 ? "" : routingKey.substring(0, dot);
    }

    /** Declares the exchange, queues and bindings; idempotent. */
    public void declare(Channel channel) throws IOException {
        channel.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true);
        for (int shard = 0; shard < shards; shard++) {
            channel.queueDeclare(queue(shard), true, false, false, null);
            channel.queueBind(queue(shard), exchange, "#." + shard);
        }
    }
}
