package io.pulse.rollup.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.pulse.contracts.event.Event;
import io.pulse.contracts.event.EventJson;
import io.pulse.contracts.testing.Machine;
import io.pulse.contracts.testing.ProcessStats;
import io.pulse.rollup.RollupJob;
import io.pulse.rollup.RollupJobConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Measures the whole pipeline on this machine: publishes synthetic events at a target rate through the
 * real RabbitMQ into the running job (local MiniCluster, same JVM) with PostgreSQL and Redis as sinks,
 * then prints and writes as JSON: events/s through the pipeline, end-to-end latency from publish to row
 * committed and to Redis publication, and each component's CPU share. Not a test: run it with
 * {@code mvn -B -q install -DskipTests && mvn -B -q -pl flink-jobs exec:exec@bench -Dbench.args="..."}.
 *
 * <p>Arguments: {@code --events-per-second 100000 --duration-s 60 --batch 500 --series 1000
 * --late-share 0 --late-by-s 600} (the share of events stamped that much earlier: they arrive after their
 * windows were written and are merged as corrections) plus any {@link RollupJobConfig} parameter; {@code --output path.json} (default {@code bench-results/pipeline.json}
 * at the project root).
 */
public final class PipelineBenchmark {

    private static final String TENANT = "bench";
    private static final long WARM_UP_MILLIS = 20_000;

    private PipelineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        double rate = Double.parseDouble(options.getOrDefault("events-per-second", "100000"));
        int durationSeconds = Integer.parseInt(options.getOrDefault("duration-s", "60"));
        int batch = Integer.parseInt(options.getOrDefault("batch", "500"));
        int series = Integer.parseInt(options.getOrDefault("series", "1000"));
        double lateShare = Double.parseDouble(options.getOrDefault("late-share", "0"));
        long lateBySeconds = Long.parseLong(options.getOrDefault("late-by-s", "600"));
        Path output = Path.of(options.getOrDefault("output",
                System.getProperty("pulse.bench.dir", "bench-results") + "/pipeline.json"));
        String run = "bench_" + Long.toString(System.currentTimeMillis(), 36);

        List<String> jobArgs = new ArrayList<>(Arrays.asList(args));
        addDefault(jobArgs, "--exchange", "pulse." + run);
        addDefault(jobArgs, "--redis-namespace", run);
        addDefault(jobArgs, "--shards", "2");
        addDefault(jobArgs, "--jdbc-url", "jdbc:postgresql://127.0.0.1:5432/" + run);
        RollupJobConfig config = RollupJobConfig.fromArgs(jobArgs.toArray(new String[0]));
        createDatabase(config, run);
        RollupJob.prepareDatabase(config.jdbcUrl(), config.jdbcUser(), config.jdbcPassword());

        Map<Long, Long> redisReceipt = new ConcurrentHashMap<>();
        RedisClient redis = RedisClient.create(config.redisUri());
        StatefulRedisPubSubConnection<String, String> subscription = redis.connectPubSub();
        ObjectMapper json = new ObjectMapper();
        subscription.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String pattern, String channel, String message) {
                long now = System.currentTimeMillis();
                try {
                    var update = json.readTree(message).get("update"); // {"id": stream entry, "update": result}
                    if ("10s".equals(update.get("granularity").asText())) {
                        redisReceipt.merge(update.get("bucketStart").asLong(), now, Math::max);
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        subscription.sync().psubscribe(config.redisKeys().namespace() + ":rollups:" + TENANT + ":*");

        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(config.parallelism());
        RollupJob job = new RollupJob(config);
        job.configure(env);
        job.build(env, job.rabbitMqSources(), job.productionSinks());
        JobClient client = env.executeAsync("pulse-rollups (benchmark)");

        SyntheticTraffic traffic = new SyntheticTraffic(config.amqpUri(), config.topology(), TENANT, "latency",
                series, batch, rate, lateShare, lateBySeconds * 1000, true);
        Map<String, Long> cpuBefore = cpuTicks();
        long started = System.currentTimeMillis();
        Thread publisher = new Thread(traffic, "synthetic-traffic");
        publisher.start();
        Thread.sleep(durationSeconds * 1000L); // the measured period: traffic runs for this long
        traffic.stop();
        publisher.join();
        long publishedEnd = System.currentTimeMillis();
        publishSentinels(config, publishedEnd);

        long published = traffic.published();
        long committed = 0;
        long deadline = System.currentTimeMillis() + 600_000;
        while (committed < published && System.currentTimeMillis() < deadline) {
            Thread.sleep(500); // polls the database until the job drained everything published
            committed = committedEvents(config);
        }
        Map<String, Long> cpuAfter = cpuTicks();
        long lateEventsCorrected = lateEventsCorrected(config);
        Map<Long, long[]> panes = committedPanes(config);
        long lastCommit = panes.values().stream().mapToLong(p -> p[1]).max().orElse(publishedEnd);
        client.cancel().get();
        subscription.close();
        redis.shutdown();
        dropBenchmarkResources(config, run);

        ObjectNode result = json.createObjectNode();
        result.put("run", run);
        result.set("machine", json.valueToTree(Machine.describe()));
        ObjectNode settings = result.putObject("settings");
        settings.put("targetEventsPerSecond", rate);
        settings.put("durationSeconds", durationSeconds);
        settings.put("eventsPerMessage", batch);
        settings.put("series", series);
        settings.put("shards", config.topology().shards());
        settings.put("parallelism", config.parallelism());
        settings.put("checkpointIntervalMs", config.checkpointInterval().toMillis());
        settings.put("outOfOrdernessMs", config.outOfOrderness().toMillis());
        settings.put("maxWatermarkLagMs", config.maxWatermarkLag().toMillis());
        settings.put("lateShare", lateShare);
        settings.put("lateBySeconds", lateBySeconds);
        ObjectNode figures = result.putObject("results");
        figures.put("eventsPublished", published);
        figures.put("eventsCommitted", committed);
        figures.put("lateEventsCorrected", lateEventsCorrected);
        figures.put("offeredEventsPerSecond", round(published * 1000.0 / (publishedEnd - started)));
        figures.put("pipelineEventsPerSecond", round(committed * 1000.0 / (lastCommit - started)));
        figures.put("drainSecondsAfterPublishingStopped", round((lastCommit - publishedEnd) / 1000.0));
        // what the job commits per second while traffic runs, past a warm-up: its capacity when saturated
        // (a backlog waits), the offered rate when not; unlike the figure above it leaves out the end of
        // the run, where the last pane waits for event time to pass it
        long from = started + WARM_UP_MILLIS;
        long committedWhileRunning = panes.entrySet().stream()
                .filter(pane -> pane.getKey() >= started && pane.getValue()[1] >= from && pane.getValue()[1] <= publishedEnd)
                .mapToLong(pane -> pane.getValue()[0]).sum();
        figures.put("committedEventsPerSecondWhileRunning", round(committedWhileRunning * 1000.0 / (publishedEnd - from)));
        List<SyntheticTraffic.Batch> steady = traffic.batches().stream()
                .filter(b -> b.paneStart() >= started + 10_000 && b.paneStart() + 10_000 <= publishedEnd).toList();
        figures.set("latencyToRowCommittedMs", percentiles(json, latencies(steady, p -> panes.containsKey(p)
                ? panes.get(p)[1] : null)));
        figures.set("latencyToRedisPublicationMs", percentiles(json, latencies(steady, redisReceipt::get)));
        double wall = (lastCommit - started) / 1000.0;
        ObjectNode cpu = figures.putObject("cpuCoresUsed");
        long publisherTicks = traffic.publisherCpuNanos() / 10_000_000;
        cpuAfter.forEach((component, ticks) -> {
            long used = ticks - cpuBefore.getOrDefault(component, 0L);
            if (component.equals("flink-job+publisher (jvm)")) {
                cpu.put("flink job (jvm, without publisher)", round((used - publisherTicks) / 100.0 / wall));
                cpu.put("publisher (thread in the same jvm)", round(publisherTicks / 100.0 / wall));
            } else {
                cpu.put(component, round(used / 100.0 / wall));
            }
        });
        String text = json.writerWithDefaultPrettyPrinter().writeValueAsString(result);
        Files.createDirectories(output.toAbsolutePath().getParent());
        Files.writeString(output, text);
        System.out.println(text);
        System.out.println("written to " + output.toAbsolutePath());
        System.exit(0);
    }

    private interface CommitTime {
        Long of(long paneStart);
    }

    /** Per event, in ms: when its 10 s pane's result was out minus when the event was published. */
    private static long[] latencies(List<SyntheticTraffic.Batch> batches, CommitTime commitTime) {
        List<Long> values = new ArrayList<>();
        for (SyntheticTraffic.Batch batch : batches) {
            Long committed = commitTime.of(batch.paneStart());
            if (committed != null) {
                for (int i = 0; i < batch.events(); i += 10) { // weight by events, one sample per ten
                    values.add(committed - batch.publishedAtMillis());
                }
            }
        }
        return values.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    private static ObjectNode percentiles(ObjectMapper json, long[] sorted) {
        ObjectNode node = json.createObjectNode();
        node.put("samples", sorted.length);
        if (sorted.length > 0) {
            node.put("p50", sorted[(int) (0.50 * (sorted.length - 1))]);
            node.put("p99", sorted[(int) (0.99 * (sorted.length - 1))]);
            node.put("max", sorted[sorted.length - 1]);
        }
        return node;
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return options;
    }

    private static void addDefault(List<String> args, String name, String value) {
        if (!args.contains(name)) {
            args.add(name);
            args.add(value);
        }
    }

    private static void createDatabase(RollupJobConfig config, String name) throws Exception {
        String admin = config.jdbcUrl().substring(0, config.jdbcUrl().lastIndexOf('/') + 1) + "postgres";
        try (java.sql.Connection c = DriverManager.getConnection(admin, config.jdbcUser(), config.jdbcPassword());
             Statement statement = c.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
    }

    /** The run's queues, exchange and database go; its figures are in the JSON. */
    private static void dropBenchmarkResources(RollupJobConfig config, String run) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(config.amqpUri());
        try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            for (String queue : config.topology().queues()) {
                channel.queueDelete(queue);
            }
            channel.exchangeDelete(config.topology().exchange());
        }
        String admin = config.jdbcUrl().substring(0, config.jdbcUrl().lastIndexOf('/') + 1) + "postgres";
        try (java.sql.Connection c = DriverManager.getConnection(admin, config.jdbcUser(), config.jdbcPassword());
             Statement statement = c.createStatement()) {
            statement.execute("DROP DATABASE " + run + " WITH (FORCE)");
        }
    }

    /** One event per shard far enough ahead that every shard's watermark passes the last pane. */
    private static void publishSentinels(RollupJobConfig config, long now) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(config.amqpUri());
        try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            for (int shard = 0; shard < config.topology().shards(); shard++) {
                Event tick = new Event("bench-sentinel", "tick", now + 15_000, 1, Map.of(), null);
                channel.basicPublish(config.topology().exchange(), config.topology().routingKey("bench-sentinel", shard),
                        new AMQP.BasicProperties.Builder().correlationId("sentinel-" + shard + "-" + now).build(),
                        EventJson.write(tick).getBytes(StandardCharsets.UTF_8));
            }
            channel.waitForConfirmsOrDie(10_000);
        }
    }

    private static long committedEvents(RollupJobConfig config) throws Exception {
        return queryLong(config, "SELECT coalesce(sum(count), 0) FROM rollup_10s WHERE tenant = '" + TENANT + "'");
    }

    private static long lateEventsCorrected(RollupJobConfig config) throws Exception {
        return queryLong(config, "SELECT coalesce(sum(late_events), 0) FROM tenant_corrections WHERE tenant = '"
                + TENANT + "'");
    }

    private static long queryLong(RollupJobConfig config, String sql) throws Exception {
        try (java.sql.Connection c = DriverManager.getConnection(config.jdbcUrl(), config.jdbcUser(),
                config.jdbcPassword()); Statement statement = c.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Pane start -> {events, epoch ms when its last row was written}. */
    private static Map<Long, long[]> committedPanes(RollupJobConfig config) throws Exception {
        Map<Long, long[]> panes = new HashMap<>();
        try (java.sql.Connection c = DriverManager.getConnection(config.jdbcUrl(), config.jdbcUser(),
                config.jdbcPassword()); Statement statement = c.createStatement();
             ResultSet rs = statement.executeQuery("SELECT bucket_start, sum(count), max(updated_at) FROM rollup_10s"
                     + " WHERE tenant = '" + TENANT + "' GROUP BY bucket_start")) {
            while (rs.next()) {
                panes.put(rs.getTimestamp(1).getTime(), new long[] {rs.getLong(2), rs.getTimestamp(3).getTime()});
            }
        }
        return panes;
    }

    /** CPU ticks (1/100 s) used so far by each component's processes, from /proc. */
    private static Map<String, Long> cpuTicks() throws IOException {
        long self = ProcessHandle.current().pid();
        return ProcessStats.cpuTicksByComponent((pid, name) -> pid == self ? "flink-job+publisher (jvm)"
                : name.startsWith("postgres") ? "postgresql"
                : name.equals("beam.smp") ? "rabbitmq"
                : name.startsWith("redis-server") ? "redis" : null);
    }
}
