package io.pulse.rollup.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.pulse.contracts.amqp.EventTopology;
import io.pulse.contracts.schema.Migrations;
import io.pulse.contracts.testing.TestServices;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeadLetterReplayIT {

    private final TestServices.Postgres postgres = TestServices.postgres();
    private final EventTopology topology = new EventTopology(TestServices.uniqueName("replay-it"), 2);
    private String url;

    @BeforeEach
    void createDeadLetters() throws Exception {
        url = postgres.createDatabase("pulse_replay");
        Migrations.apply(url, postgres.user(), postgres.password());
        execute("INSERT INTO dead_letter (id, source, correlation_id, event_index, tenant, reason, detail, payload,"
                + " received_at) VALUES"
                + " ('a', 'amqp:q', 'm-1', 0, 'acme', 'timestamp-too-old', 'old', '{\"n\":1}', now()),"
                + " ('b', 'amqp:q', 'm-1', 1, 'acme', 'invalid-type', 'bad', '{\"n\":2}', now()),"
                + " ('c', 'amqp:q', 'm-2', 0, 'globex', 'timestamp-too-old', 'old', '{\"n\":3}', now()),"
                + " ('d', 'cardinality-guard', null, -1, 'acme', 'cardinality-limit', 'cap', '{\"n\":4}', now()),"
                + " ('e', 'stage:10s', null, -1, 'acme', 'late', 'late', '{\"n\":5}', now())");
    }

    @AfterEach
    void cleanUp() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(TestServices.amqpUri());
        try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            for (String queue : topology.queues()) {
                channel.queueDelete(queue);
            }
            channel.exchangeDelete(topology.exchange());
        }
        postgres.dropDatabase(url);
    }

    private void execute(String sql) throws Exception {
        try (java.sql.Connection c = DriverManager.getConnection(url, postgres.user(), postgres.password());
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private Map<String, Boolean> replayedById() throws Exception {
        Map<String, Boolean> replayed = new HashMap<>();
        try (java.sql.Connection c = DriverManager.getConnection(url, postgres.user(), postgres.password());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, replayed_at IS NOT NULL FROM dead_letter")) {
            while (rs.next()) {
                replayed.put(rs.getString(1), rs.getBoolean(2));
            }
        }
        return replayed;
    }

    private Map<String, String> drain() throws Exception {
        Map<String, String> bodies = new HashMap<>();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(TestServices.amqpUri());
        try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            for (String queue : topology.queues()) {
                GetResponse response;
                while ((response = channel.basicGet(queue, true)) != null) {
                    bodies.put(response.getProps().getCorrelationId(),
                            new String(response.getBody(), StandardCharsets.UTF_8));
                }
            }
        }
        return bodies;
    }

    @Test
    void republishesTheSelectedEventsOnceAndMarksThem() throws Exception {
        DeadLetterReplay replay = new DeadLetterReplay(url, postgres.user(), postgres.password());
        DeadLetterReplay.Selection tooOld = new DeadLetterReplay.Selection("timestamp-too-old", null, null, 100);

        assertThat(replay.replay(tooOld, TestServices.amqpUri(), topology)).isEqualTo(2);
        assertThat(drain()).isEqualTo(Map.of("replay-a", "{\"n\":1}", "replay-c", "{\"n\":3}"));
        assertThat(replayedById()).containsEntry("a", true).containsEntry("c", true).containsEntry("b", false);

        // already replayed rows are not taken again; summaries are never taken
        assertThat(replay.replay(tooOld, TestServices.amqpUri(), topology)).isZero();
        assertThat(replay.replay(new DeadLetterReplay.Selection(null, "acme", null, 100), TestServices.amqpUri(),
                topology)).isEqualTo(1);
        assertThat(drain()).containsOnlyKeys("replay-b");
        assertThat(replayedById()).containsEntry("d", false).containsEntry("e", false);
    }
}
