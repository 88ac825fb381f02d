package io.pulse.rollup.deadletter;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.pulse.contracts.amqp.EventTopology;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * Publishes dead letters back to the events exchange, after an operator fixed their cause (raised a
 * limit, corrected the payload with SQL). Only rows not yet replayed are taken; each is published with
 * correlation id {@code replay-<id>}, so a replay that is itself retried is dropped as a duplicate, and
 * is marked {@code replayed_at} once the broker confirmed it. Whole-message rejections (index -1) are
 * republished as they were; single elements as one-event messages. Cardinality reports and late
 * partials found by a window stage are summaries, not events, and are never replayed.
 *
 * <pre>
 * java -cp pulse-rollup-job.jar io.pulse.rollup.deadletter.DeadLetterReplay \
 *   --jdbc-url jdbc:postgresql://127.0.0.1:5432/pulse --amqp-uri amqp://guest:guest@127.0.0.1:5672 \
 *   [--reason timestamp-too-old] [--tenant acme] [--since 2026-11-25T00:00:00Z] [--limit 1000] [--dry-run true]
 * </pre>
 */
public final class DeadLetterReplay {

    /** Which dead letters to take. Null fields match everything. */
    public record Selection(String reason, String tenant, Instant since, int limit) { }

    private record Letter(String id, String tenant, String payload) { }

    private final String jdbcUrl;
    private final String jdbcUser;
    private final String jdbcPassword;

    public DeadLetterReplay(String jdbcUrl, String jdbcUser, String jdbcPassword) {
        this.jdbcUrl = jdbcUrl;
        this.jdbcUser = jdbcUser;
        this.jdbcPassword = jdbcPassword;
    }

    /** Runs from the job jar with plain {@code java}: no Flink classes needed. */
    public static void main(String[] args) throws Exception {
        Map<String, String> p = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            p.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        DeadLetterReplay replay = new DeadLetterReplay(p.getOrDefault("jdbc-url", "jdbc:postgresql://127.0.0.1:5432/pulse"),
                p.getOrDefault("jdbc-user", "postgres"),
                p.getOrDefault("jdbc-password", System.getenv().getOrDefault("PULSE_JDBC_PASSWORD", "")));
        Selection selection = new Selection(p.get("reason"), p.get("tenant"),
                p.containsKey("since") ? Instant.parse(p.get("since")) : null,
                Integer.parseInt(p.getOrDefault("limit", "1000")));
        if (Boolean.parseBoolean(p.getOrDefault("dry-run", "false"))) {
            System.out.println(replay.select(selection).size() + " dead letters would be replayed");
            return;
        }
        EventTopology topology = new EventTopology(p.getOrDefault("exchange", EventTopology.DEFAULT.exchange()),
                Integer.parseInt(p.getOrDefault("shards", Integer.toString(EventTopology.DEFAULT.shards()))));
        int replayed = replay.replay(selection, p.getOrDefault("amqp-uri", "amqp://guest:guest@127.0.0.1:5672"), topology);
        System.out.println(replayed + " dead letters replayed");
    }

    /** Replays the selected dead letters; returns how many were published and marked. */
    public int replay(Selection selection, String amqpUri, EventTopology topology) throws Exception {
        List<Letter> letters = select(selection);
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(amqpUri);
        try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            topology.declare(channel);
            channel.confirmSelect();
            for (Letter letter : letters) {
                String tenant = letter.tenant() == null ? "replay" : letter.tenant();
                channel.basicPublish(topology.exchange(),
                        topology.routingKey(tenant, topology.shardFor(tenant, letter.id().hashCode())),
                        new AMQP.BasicProperties.Builder().correlationId("replay-" + letter.id())
                                .contentType("application/json").deliveryMode(2).timestamp(new Date()).build(),
                        letter.payload().getBytes(StandardCharsets.UTF_8));
            }
            channel.waitForConfirmsOrDie(60_000);
        }
        markReplayed(letters);
        return letters.size();
    }

    private List<Letter> select(Selection selection) throws Exception {
        String sql = "SELECT id, tenant, payload FROM dead_letter WHERE replayed_at IS NULL"
                + " AND reason <> 'cardinality-limit' AND source NOT LIKE 'stage:%'"
                + " AND (?::text IS NULL OR reason = ?) AND (?::text IS NULL OR tenant = ?)"
                + " AND (?::timestamptz IS NULL OR received_at >= ?) ORDER BY received_at, id LIMIT ?";
        List<Letter> letters = new ArrayList<>();
        try (java.sql.Connection connection = DriverManager.getConnection(jdbcUrl, jdbcUser, jdbcPassword);
             PreparedStatement statement = connection.prepareStatement(sql)) {
            Timestamp since = selection.since() == null ? null : Timestamp.from(selection.since());
            statement.setString(1, selection.reason());
            statement.setString(2, selection.reason());
            statement.setString(3, selection.tenant());
            statement.setString(4, selection.tenant());
            statement.setTimestamp(5, since);
            statement.setTimestamp(6, since);
            statement.setInt(7, selection.limit());
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    letters.add(new Letter(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
        }
        return letters;
    }

    private void markReplayed(List<Letter> letters) throws Exception {
        try (java.sql.Connection connection = DriverManager.getConnection(jdbcUrl, jdbcUser, jdbcPassword);
             PreparedStatement statement = connection.prepareStatement(
                     "UPDATE dead_letter SET replayed_at = now() WHERE id = ?")) {
            for (Letter letter : letters) {
                statement.setString(1, letter.id());
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }
}
