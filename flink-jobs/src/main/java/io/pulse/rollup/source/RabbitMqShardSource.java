package io.pulse.rollup.source;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import io.pulse.contracts.amqp.EventTopology;
import java.io.IOException;
import java.util.UUID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.connectors.rabbitmq.RMQDeserializationSchema;
import org.apache.flink.streaming.connectors.rabbitmq.RMQSource;
import org.apache.flink.streaming.connectors.rabbitmq.common.RMQConnectionConfig;

/**
 * Reads one shard queue with the RabbitMQ connector in exactly-once mode: messages are acknowledged
 * only when the checkpoint holding their effects completes, and a redelivered correlation id is dropped.
 * One source per shard, parallelism 1 (the connector's exactly-once mode needs it); throughput scales
 * with shards.
 */
public class RabbitMqShardSource implements EventSource {

    private static final long serialVersionUID = 1L;

    private final RMQConnectionConfig connection;
    private final EventTopology topology;
    private final int shard;

    public RabbitMqShardSource(RMQConnectionConfig connection, EventTopology topology, int shard) {
        this.connection = connection;
        this.topology = topology;
        this.shard = shard;
    }

    @Override
    public String id() {
        return "shard-" + shard;
    }

    protected RMQConnectionConfig connection() {
        return connection;
    }

    protected EventTopology topology() {
        return topology;
    }

    protected String queue() {
        return topology.queue(shard);
    }

    @Override
    public DataStream<RawMessage> create(StreamExecutionEnvironment env) {
        return env.addSource(newSource(), "RabbitMQ " + queue())
                .setParallelism(1)
                .uid("source-" + id());
    }

    /** The connector's source, declaring our topology before it consumes. Tests subclass it to crash it. */
    protected RMQSource<RawMessage> newSource() {
        return new TopologyDeclaringSource(connection, topology, queue());
    }

    public static class TopologyDeclaringSource extends RMQSource<RawMessage> {
        private static final long serialVersionUID = 1L;
        private final EventTopology topology;

        public TopologyDeclaringSource(RMQConnectionConfig connection, EventTopology topology, String queue) {
            this(connection, topology, queue, new RawMessageDeserializer("amqp:" + queue));
        }

        protected TopologyDeclaringSource(RMQConnectionConfig connection, EventTopology topology, String queue,
                                          RMQDeserializationSchema<RawMessage> deserializer) {
            super(connection, queue, true, deserializer);
            this.topology = topology;
        }

        @Override
        protected void setupQueue() throws IOException {
            topology.declare(channel);
        }
    }

    /**
     * Wraps each delivery as one {@link RawMessage} with the tenant of its routing key; parsing happens
     * downstream so that a bad body is dead-lettered rather than failing the source. The connector drops
     * redeliveries by the id set here: the correlation id within the tenant ({@link RawMessage#messageId}),
     * so one tenant's ids never shadow another's. A message without a correlation id gets a unique
     * stand-in id so the connector neither fails nor mistakes it for a duplicate; it is dead-lettered
     * downstream because it cannot be deduplicated.
     */
    public static class RawMessageDeserializer implements RMQDeserializationSchema<RawMessage> {
        private static final long serialVersionUID = 1L;
        private final String source;

        public RawMessageDeserializer(String source) {
            this.source = source;
        }

        @Override
        public void deserialize(Envelope envelope, AMQP.BasicProperties properties, byte[] body,
                                RMQCollector<RawMessage> collector) {
            String tenant = EventTopology.tenantOf(envelope.getRoutingKey());
            String correlationId = properties.getCorrelationId();
            if (correlationId == null || correlationId.isBlank()) {
                collector.setMessageIdentifiers("no-correlation-id:" + UUID.randomUUID(), envelope.getDeliveryTag());
                correlationId = null;
            } else if (!collector.setMessageIdentifiers(RawMessage.messageId(tenant, correlationId),
                    envelope.getDeliveryTag())) {
                return; // a redelivery of a message not yet acknowledged: the connector rejected it
            }
            // AMQP timestamps are whole seconds: the end of its second bounds when the message was sent
            long sentAt = properties.getTimestamp() == null ? 0 : properties.getTimestamp().getTime() + 999;
            Object traceParent = properties.getHeaders() == null ? null : properties.getHeaders().get("traceparent");
            collector.collect(new RawMessage(source, tenant, correlationId, body, sentAt,
                    traceParent == null ? null : traceParent.toString()));
        }

        @Override
        public boolean isEndOfStream(RawMessage message) {
            return false;
        }

        @Override
        public TypeInformation<RawMessage> getProducedType() {
            return TypeInformation.of(RawMessage.class);
        }
    }
}
