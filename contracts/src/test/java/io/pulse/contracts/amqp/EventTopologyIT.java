package io.pulse.contracts.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.pulse.contracts.testing.TestServices;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EventTopologyIT {

    @Test
    void routesEachTenantShardKeyToItsShardQueueAndDeclaresIdempotently() throws Exception {
        EventTopology topology = new EventTopology(TestServices.uniqueName("topology-it"), 3);
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(TestServices.amqpUri());
        try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            topology.declare(channel);
            topology.declare(channel);
            try {
                assertThat(topology.queues()).hasSize(3);
                for (int shard = 0; shard < 3; shard++) {
                    channel.basicPublish(topology.exchange(), topology.routingKey(shard == 1 ? "acme.eu" : "acme", shard), null,
                            ("to " + shard).getBytes(StandardCharsets.UTF_8));
                }
                channel.basicPublish(topology.exchange(), "acme.7", null, "nowhere".getBytes(StandardCharsets.UTF_8));
                for (int shard = 0; shard < 3; shard++) {
                    GetResponse response = null;
                    for (int attempt = 0; attempt < 50 && response == null; attempt++) {
                        response = channel.basicGet(topology.queue(shard), true);
                    }
                    assertThat(response).isNotNull();
                    assertThat(new String(response.getBody(), StandardCharsets.UTF_8)).isEqualTo("to " + shard);
                    assertThat(channel.messageCount(topology.queue(shard))).isZero();
                }
                assertThat(EventTopology.tenantOf(topology.routingKey("acme.eu", 2))).isEqualTo("acme.eu");
                assertThat(EventTopology.tenantOf("2")).isEmpty();
                int shard = topology.shardFor("acme", 0);
                assertThat(shard).isBetween(0, 2).isEqualTo(topology.shardFor("acme", 3));
            } finally {
                for (String queue : topology.queues()) {
                    channel.queueDelete(queue);
                }
                channel.exchangeDelete(topology.exchange());
            }
        }
    }
}
