package io.pulse.devstack.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.pulse.contracts.amqp.EventTopology;
import io.pulse.contracts.testing.TestServices;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The generator alone, as docker-compose's traffic profile runs it, against the machine's RabbitMQ. */
class DemoTrafficIT {

    @Test
    void itPublishesAsAProducerMustAndReturnsWhenPublishingFails() throws Exception {
        EventTopology topology = new EventTopology(TestServices.uniqueName("demo-traffic"), 1);
        Thread generator = new Thread(() -> DemoTraffic.main(new String[] {"--amqp-uri", TestServices.amqpUri(),
            "--exchange", topology.exchange(), "--shards", "1", "--events-per-second", "500"}), "generator");
        generator.setDaemon(true);
        generator.start();

        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(TestServices.amqpUri());
        try (Connection connection = factory.newConnection()) {
            AtomicReference<GetResponse> first = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                try (Channel channel = connection.createChannel()) { // a passive miss closes the channel
                    first.set(channel.basicGet(topology.queue(0), true));
                    return first.get() != null;
                }
            });
            GetResponse message = first.get();
            assertThat(message.getEnvelope().getRoutingKey()).matches("(acme|globex)\\.0");
            assertThat(message.getProps().getCorrelationId()).isNotBlank();
            assertThat(message.getProps().getTimestamp()).isNotNull();
            assertThat(message.getProps().getDeliveryMode()).isEqualTo(2);
            assertThat(new ObjectMapper().readTree(message.getBody()).size()).isGreaterThanOrEqualTo(50);

            try (Channel channel = connection.createChannel()) {
                channel.exchangeDelete(topology.exchange());
                channel.queueDelete(topology.queue(0));
            }
        }
        generator.join(Duration.ofSeconds(30).toMillis());
        assertThat(generator.isAlive()).as("the generator stops once its exchange is gone").isFalse();
    }
}
