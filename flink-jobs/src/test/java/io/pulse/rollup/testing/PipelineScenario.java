package io.pulse.rollup.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.pulse.contracts.amqp.EventTopology;
import io.pulse.contracts.event.Event;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.RedisKeys;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.rollup.RollupPublication;
import io.pulse.contracts.rollup.RollupUpdate;
import io.pulse.contracts.rollup.SeriesKey;
import io.pulse.contracts.spec.RollupSpecs;
import io.pulse.contracts.testing.TestServices;
import io.pulse.rollup.RollupJob;
import io.pulse.rollup.RollupJobConfig;
import io.pulse.rollup.RollupSinks;
import io.pulse.rollup.eventtime.WallClock;
import io.pulse.rollup.source.EventSource;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.awaitility.core.ConditionTimeoutException;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs the real RollupJob in a local MiniCluster against real RabbitMQ, PostgreSQL and Redis (each
 * scenario with its own database, exchange and Redis namespace), publishes a {@link DataSet} and checks
 * every stored and published result against {@link Reference}.
 */
public final class PipelineScenario implements AutoCloseable {

    public static final int SHARDS = 2;
    public static final int HISTORY_LENGTH = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestServices.Postgres postgres = TestServices.postgres();
    private final String jdbcUrl;
    private final RedisKeys redisKeys = new RedisKeys(TestServices.uniqueName("pulse-it"));
    private final EventTopology topology = new EventTopology(TestServices.uniqueName("pulse-it"), SHARDS);
    private final String[] jobArgs;
    private final RollupJobConfig config;
    private final RedisClient redis = RedisClient.create(TestServices.redisUri());
    private final StatefulRedisPubSubConnection<String, String> subscription = redis.connectPubSub();
    private final List<RollupUpdate> published = new CopyOnWriteArrayList<>();
    private final Connection amqp;
    private JobClient job;

    /** Windows follow event time (the watermark may lag the wall clock by up to a day, the past skew). */
    public PipelineScenario(String name) throws Exception {
        this(name, Duration.ofHours(24));
    }

    /**
     * @param maxWatermarkLag how far the watermark may lag the wall clock: a day lets the scenario's
     *                        two-hour-old data fill windows in event time; the default of 30 s makes
     *                        nearly all of it corrections of stored rows
     */
    public PipelineScenario(String name, Duration maxWatermarkLag) throws Exception {
        this(name, maxWatermarkLag, defaultSpecWithLateness("30s"));
    }

    /** Runs the rollup {@code spec} (inline JSON for {@code --spec}), with {@code extraArgs} for the job. */
    public PipelineScenario(String name, Duration maxWatermarkLag, String spec, String... extraArgs) throws Exception {
        jdbcUrl = postgres.createDatabase(name);
        RollupJob.prepareDatabase(jdbcUrl, postgres.user(), postgres.password());
        String[] own = {
            "--amqp-uri", TestServices.amqpUri(), "--exchange", topology.exchange(), "--shards", "" + SHARDS,
            "--jdbc-url", jdbcUrl, "--jdbc-user", postgres.user(), "--jdbc-password", postgres.password(),
            "--redis-uri", TestServices.redisUri(), "--redis-namespace", redisKeys.namespace(),
            "--history-length", "" + HISTORY_LENGTH, "--checkpoint-interval-ms", "400",
            "--out-of-orderness-ms", "2000", "--spec", spec,
            "--max-watermark-lag-ms", "" + maxWatermarkLag.toMillis(),
            "--corrections-interval-ms", "1000", // folded over several checkpoints: the writer's state is exercised
            "--parallelism", "2"};
        jobArgs = Stream.concat(Arrays.stream(own), Arrays.stream(extraArgs)).toArray(String[]::new);
        config = RollupJobConfig.fromArgs(jobArgs);
        subscription.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String pattern, String channel, String message) {
                try {
                    published.add(JSON.readValue(message, RollupPublication.class).update());
                } catch (Exception e) {
                    throw new IllegalStateException("unreadable publication on " + channel, e);
                }
            }
        });
        subscription.sync().psubscribe(redisKeys.namespace() + ":rollups:*");
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(TestServices.amqpUri());
        amqp = factory.newConnection();
        try (Channel channel = amqp.createChannel()) {
            topology.declare(channel);
            config.topology().declare(channel); // the rollup's own queues, so nothing published before its start is missed
        }
    }

    /** The job's parameters, for running it in another process. */
    public List<String> jobArgs() {
        return List.of(jobArgs);
    }

    public RollupJob job() {
        return new RollupJob(config);
    }

    /** Starts the job with {@code sources} and a wall clock the test moves; failed tasks restart from the last checkpoint. */
    public void start(List<EventSource> sources, WallClock clock) throws Exception {
        start(sources, new RollupJob(config, clock), null);
    }

    public RollupJobConfig config() {
        return config;
    }

    public EventTopology topology() {
        return topology;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** Starts the job with {@code sources}; failed tasks restart from the last checkpoint. */
    public void start(List<EventSource> sources) throws Exception {
        start(sources, job(), null);
    }

    /** Starts the job with {@code sources} and {@code sinks}; failed tasks restart from the last checkpoint. */
    public void start(List<EventSource> sources, RollupSinks sinks) throws Exception {
        start(sources, job(), sinks);
    }

    private void start(List<EventSource> sources, RollupJob job, RollupSinks sinks) throws Exception {
        Configuration conf = new Configuration();
        conf.setString("restart-strategy.type", "fixed-delay");
        conf.setString("restart-strategy.fixed-delay.attempts", "10");
        conf.setString("restart-strategy.fixed-delay.delay", "500 ms");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        job.configure(env);
        job.build(env, sources, sinks != null ? sinks : job.productionSinks());
        this.job = env.executeAsync("rollup-it");
    }

    public void publish(List<DataSet.Message> messages) throws Exception {
        try (Channel channel = amqp.createChannel()) {
            channel.confirmSelect();
            for (DataSet.Message message : messages) {
                AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                        .correlationId(message.correlationId()).contentType("application/json").deliveryMode(2).build();
                channel.basicPublish(topology.exchange(), topology.routingKey(message.tenant(), message.shard()), properties,
                        message.body().getBytes(StandardCharsets.UTF_8));
            }
            channel.waitForConfirmsOrDie(30_000);
        }
    }

    /** Publishes the main phase and the sentinels, and waits until every expected row is final. */
    public Map<Reference.Window, Reference.Truth> runMainPhase(DataSet data) throws Exception {
        publish(data.main);
        publish(data.sentinels);
        return awaitFinalRows(data);
    }

    /** Waits until the rows of everything counted in {@code data} are there with their final counts. */
    public Map<Reference.Window, Reference.Truth> awaitFinalRows(DataSet data) throws Exception {
        return awaitFinalRows(data.counted);
    }

    /** Waits until the rows of {@code counted} are there with their final counts, sentinel rows too. */
    public Map<Reference.Window, Reference.Truth> awaitFinalRows(List<Event> counted) throws Exception {
        Map<Reference.Window, Reference.Truth> expected = Reference.of(counted, config.spec());
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> matchesInCount(expected) && sentinelsSeen());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("rows never reached the reference; sentinels seen: " + sentinelsSeen()
                    + "; differing windows (expected count, stored count): " + countDifferences(expected), e);
        }
        return expected;
    }

    private boolean sentinelsSeen() throws Exception {
        return count("SELECT count(DISTINCT series) FROM rollup_10s WHERE tenant = '" + DataSet.SENTINEL_TENANT + "'")
                == SHARDS;
    }

    private Map<Reference.Window, String> countDifferences(Map<Reference.Window, Reference.Truth> expected)
            throws Exception {
        Map<Reference.Window, RollupAggregate> rows = rows();
        Map<Reference.Window, String> differences = new HashMap<>();
        Set<Reference.Window> windows = new HashSet<>(expected.keySet());
        windows.addAll(rows.keySet());
        for (Reference.Window window : windows) {
            long want = expected.containsKey(window) ? expected.get(window).count() : 0;
            long have = rows.containsKey(window) ? rows.get(window).count() : 0;
            if (want != have && differences.size() < 20) {
                differences.put(window, want + " vs " + have);
            }
        }
        return differences;
    }

    private boolean matchesInCount(Map<Reference.Window, Reference.Truth> expected) throws Exception {
        Map<Reference.Window, RollupAggregate> rows = rows();
        if (!rows.keySet().equals(expected.keySet())) {
            return false;
        }
        return expected.entrySet().stream().allMatch(e -> rows.get(e.getKey()).count() == e.getValue().count());
    }

    /** Every row of every rollup table (sentinel tenant aside), as stored. */
    public Map<Reference.Window, RollupAggregate> rows() throws Exception {
        return rows(jdbcUrl);
    }

    /** Every row of every rollup table (sentinel tenant aside) of the test database at {@code jdbcUrl}. */
    public static Map<Reference.Window, RollupAggregate> rows(String jdbcUrl) throws Exception {
        TestServices.Postgres postgres = TestServices.postgres();
        Map<Reference.Window, RollupAggregate> rows = new HashMap<>();
        try (java.sql.Connection connection = DriverManager.getConnection(jdbcUrl, postgres.user(), postgres.password());
             Statement statement = connection.createStatement()) {
            for (Granularity granularity : Granularity.values()) {
                try (ResultSet rs = statement.executeQuery("SELECT tenant, metric, series, bucket_start, count, sum,"
                        + " min, max, quantile_sketch, distinct_sketch FROM " + granularity.table()
                        + " WHERE tenant <> '" + DataSet.SENTINEL_TENANT + "'")) {
                    while (rs.next()) {
                        rows.put(new Reference.Window(granularity,
                                        new SeriesKey(rs.getString(1), rs.getString(2), rs.getString(3)),
                                        rs.getTimestamp(4).getTime()),
                                RollupAggregate.fromStored(rs.getLong(5), rs.getDouble(6), rs.getDouble(7),
                                        rs.getDouble(8), rs.getBytes(9), rs.getBytes(10)));
                    }
                }
            }
        }
        return rows;
    }

    /** Every stored row equals the reference: exact count/sum/min/max, sketches within their bounds. */
    public void assertRowsMatch(Map<Reference.Window, Reference.Truth> expected) throws Exception {
        Map<Reference.Window, RollupAggregate> rows = rows();
        assertThat(rows.keySet()).isEqualTo(expected.keySet());
        expected.forEach((window, truth) -> truth.assertMatches(rows.get(window), window.toString()));
    }

    /** The newest publication of every expected window carries the reference values. */
    public void assertPublicationsMatch(Map<Reference.Window, Reference.Truth> expected) {
        await().atMost(Duration.ofSeconds(30)).until(() -> latestPublications().keySet().containsAll(expected.keySet()));
        Map<Reference.Window, RollupUpdate> latest = latestPublications();
        expected.forEach((window, truth) -> {
            RollupUpdate update = latest.get(window);
            assertThat(update.count()).as(window + " published count").isEqualTo(truth.count());
            assertThat(update.sum()).as(window + " published sum").isEqualTo(truth.sum());
            assertThat(update.provisional()).isFalse();
        });
    }

    /**
     * Per window (series, granularity, bucket), the versions received so far, in receipt order. A
     * correction of an old window may follow newer windows' results; per window versions only rise.
     */
    public Map<String, List<Long>> versionsInReceiptOrder() {
        Map<String, List<Long>> versions = new HashMap<>();
        for (RollupUpdate update : published) {
            versions.computeIfAbsent(update.tenant() + update.metric() + update.series() + update.granularity()
                    + update.bucketStart(), k -> new ArrayList<>()).add(update.version());
        }
        return versions;
    }

    /** The revision of each window's newest publication so far. */
    public Map<Reference.Window, Integer> publishedRevisions() {
        Map<Reference.Window, Integer> revisions = new HashMap<>();
        latestPublications().forEach((window, update) -> revisions.put(window, update.revision()));
        return revisions;
    }

    private Map<Reference.Window, RollupUpdate> latestPublications() {
        Map<Reference.Window, RollupUpdate> latest = new HashMap<>();
        for (RollupUpdate update : published) {
            if (update.tenant().equals(DataSet.SENTINEL_TENANT)) {
                continue;
            }
            Reference.Window window = new Reference.Window(Granularity.fromCode(update.granularity()),
                    SeriesKey.of(update.tenant(), update.metric(), update.series()), update.bucketStart());
            latest.merge(window, update, (a, b) -> a.version() >= b.version() ? a : b);
        }
        return latest;
    }

    public List<String> history(SeriesKey key, Granularity granularity) {
        return redis.connect().sync().zrange(redisKeys.history(key, granularity), 0, -1);
    }

    /** Rejections stored in the dead-letter table, as (reason, correlation id, index). */
    public Set<DataSet.ExpectedRejection> deadLetters() throws Exception {
        Set<DataSet.ExpectedRejection> letters = new HashSet<>();
        try (java.sql.Connection connection = DriverManager.getConnection(jdbcUrl, postgres.user(), postgres.password());
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT reason, correlation_id, event_index FROM dead_letter")) {
            while (rs.next()) {
                letters.add(new DataSet.ExpectedRejection(rs.getString(1), rs.getString(2), rs.getInt(3)));
            }
        }
        return letters;
    }

    /** Messages waiting in the shard queues, not yet delivered to a consumer. */
    public long readyMessages() throws Exception {
        long ready = 0;
        try (Channel channel = amqp.createChannel()) {
            for (String queue : topology.queues()) {
                ready += channel.messageCount(queue);
            }
        }
        return ready;
    }

    public long count(String sql) throws Exception {
        try (java.sql.Connection connection = DriverManager.getConnection(jdbcUrl, postgres.user(), postgres.password());
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() throws Exception {
        if (job != null) {
            job.cancel().get();
        }
        subscription.close();
        redis.shutdown();
        try (Channel channel = amqp.createChannel()) {
            for (String queue : topology.queues()) {
                channel.queueDelete(queue);
            }
            for (String queue : config.topology().queues()) {
                channel.queueDelete(queue);
            }
            channel.exchangeDelete(topology.exchange());
        }
        amqp.close();
        postgres.dropDatabase(jdbcUrl);
    }

    /** The default spec but for its allowed lateness, as inline JSON for {@code --spec}. */
    public static String defaultSpecWithLateness(String lateness) {
        ObjectNode spec = (ObjectNode) RollupSpecs.readTree(RollupSpecs.defaultSpecText());
        return RollupSpecs.canonicalJson(spec.put("allowedLateness", lateness));
    }
}
