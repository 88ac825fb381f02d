package io.pulse.rollup.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.apache.flink.streaming.connectors.rabbitmq.RMQDeserializationSchema;
import org.junit.jupiter.api.Test;

/** What a delivery becomes: tenant from the routing key, id within the tenant, and when it was sent. */
class RawMessageDeserializerTest {

    private final List<RawMessage> collected = new ArrayList<>();
    private final RMQDeserializationSchema.RMQCollector<RawMessage> collector = new RMQDeserializationSchema.RMQCollector<>() {
        @Override
        public boolean setMessageIdentifiers(String correlationId, long deliveryTag) {
            return true;
        }

        @Override
        public void collect(RawMessage record) {
            collected.add(record);
        }

        @Override
        public void close() {
        }
    };

    private RawMessage deliver(AMQP.BasicProperties properties) {
        new RabbitMqShardSource.RawMessageDeserializer("amqp:q").deserialize(
                new Envelope(7, false, "pulse.events", "acme.3"), properties, "{}".getBytes(StandardCharsets.UTF_8),
                collector);
        return collected.get(collected.size() - 1);
    }

    @Test
    void theAmqpTimestampIsTheSendingTimeToTheEndOfItsSecond() {
        RawMessage message = deliver(new AMQP.BasicProperties.Builder().correlationId("c-1")
                .timestamp(new Date(1_700_000_000_000L)).build());
        assertThat(message.tenant()).isEqualTo("acme");
        assertThat(message.messageId()).isEqualTo("acme/c-1");
        assertThat(message.sentAt()).isEqualTo(1_700_000_000_999L);
    }

    @Test
    void aMessageWithoutATimestampHasNoSendingTime() {
        assertThat(deliver(new AMQP.BasicProperties.Builder().correlationId("c-2").build()).sentAt()).isZero();
    }
}
