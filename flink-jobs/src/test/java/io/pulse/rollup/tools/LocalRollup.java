package io.pulse.rollup.tools;

import io.pulse.contracts.amqp.EventTopology;
import io.pulse.contracts.testing.Databases;
import io.pulse.rollup.RollupJob;
import io.pulse.rollup.RollupJobConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The README's run command until the one-command local platform exists: the rollup job in a local Flink
 * MiniCluster against the local PostgreSQL, Redis and RabbitMQ, with synthetic traffic. Takes the job's
 * parameters ({@link RollupJobConfig}) plus {@code --events-per-second} (default 2000).
 */
public final class LocalRollup {

    private LocalRollup() {
    }

    public static void main(String[] args) throws Exception {
        RollupJobConfig config = RollupJobConfig.fromArgs(args);
        Databases.createIfMissing(config.jdbcUrl(), config.jdbcUser(), config.jdbcPassword());
        RollupJob.prepareDatabase(config.jdbcUrl(), config.jdbcUser(), config.jdbcPassword());

        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(config.parallelism());
        RollupJob job = new RollupJob(config);
        job.configure(env);
        job.build(env, job.rabbitMqSources(), job.productionSinks());
        JobClient client = env.executeAsync("pulse-rollups (local)");

        double rate = Double.parseDouble(argument(args, "--events-per-second", "2000"));
        EventTopology topology = config.topology();
        SyntheticTraffic traffic = new SyntheticTraffic(config.amqpUri(), topology, "demo", "checkout.latency_ms",
                50, 100, rate, 0, 0, false);
        Thread publisher = new Thread(traffic, "synthetic-traffic");
        publisher.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            traffic.stop();
            client.cancel();
        }));
        System.out.printf("Rollup job %s running; publishing %.0f events/s of tenant 'demo' to exchange %s.%n"
                + "Rows: psql -h 127.0.0.1 -U postgres %s -c 'SELECT * FROM rollup_10s ORDER BY bucket_start DESC"
                + " LIMIT 5'%nLive: redis-cli psubscribe '%s:rollups:*'%nStop with Ctrl-C.%n",
                client.getJobID(), rate, topology.exchange(), Databases.name(config.jdbcUrl()),
                config.redisKeys().namespace());
        while (publisher.isAlive()) {
            Thread.sleep(10_000); // a progress line every 10 s; not a synchronisation
            System.out.printf("published %d events; rows: %s%n", traffic.published(), rowCounts(config));
        }
    }

    private static String argument(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    private static String rowCounts(RollupJobConfig config) throws Exception {
        StringBuilder counts = new StringBuilder();
        try (Connection connection = DriverManager.getConnection(config.jdbcUrl(), config.jdbcUser(),
                config.jdbcPassword()); Statement statement = connection.createStatement()) {
            for (String table : new String[] {"rollup_10s", "rollup_1m", "rollup_1h", "rollup_5m_sliding", "dead_letter"}) {
                try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + table)) {
                    rs.next();
                    counts.append(table).append('=').append(rs.getLong(1)).append(' ');
                }
            }
        }
        return counts.toString().trim();
    }
}
