package io.pulse.devstack;

import ch.qos.logback.classic.LoggerContext;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pulse.contracts.amqp.EventTopology;
import io.pulse.contracts.testing.IdentityProvider;
import io.pulse.devstack.demo.DemoDashboards;
import io.pulse.devstack.rollups.LocalRollupJob;
import io.pulse.devstack.services.BackingService;
import io.pulse.devstack.services.Broker;
import io.pulse.devstack.services.FreePorts;
import io.pulse.devstack.services.Postgres;
import io.pulse.devstack.services.Redis;
import io.pulse.devstack.traffic.DemoTraffic;
import io.pulse.rollup.RollupJobConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole platform in one JVM, the README's run command: the backing services (configured, or embedded
 * with their data in the data folder), the rollup job on a Flink MiniCluster, serving-api, the local OIDC
 * provider with demo users of two tenants, and synthetic traffic. Prints a banner with every address once
 * all of it is ready; Ctrl-C stops it all, keeping the job's last checkpoint for the next start.
 */
public final class Devstack implements AutoCloseable {

    /** The first line of the banner; tests and scripts wait for it. */
    public static final String READY = "Pulse is ready";
    static final int SHARDS = 2;
    /** Where Flink's Prometheus reporter listens in a cluster too (or the next free port). */
    static final int FLINK_METRICS_PORT = 9249;
    private static final double SLOW_STOP_SECONDS = 5;

    private final DevstackSettings settings;
    private final List<Part> started = new ArrayList<>();
    private Postgres postgres;
    private Redis redis;
    private Broker broker;
    private LocalRollupJob job;
    private EmbeddedServer api;
    private DemoTraffic traffic;
    private int flinkUiPort;
    private int flinkMetricsPort;

    private Devstack(DevstackSettings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) throws Exception {
        DevstackSettings settings = DevstackSettings.fromArgs(args, System.getenv());
        Files.createDirectories(settings.dataDir().resolve("logs"));
        // before the first logger is made: every component logs to the file, the console keeps to progress
        System.setProperty("pulse.log.file", settings.dataDir().resolve("logs/devstack.log").toString());
        System.setProperty("logback.configurationFile", "devstack-logback.xml"); // not serving-api's logback.xml
        long began = System.nanoTime();
        Devstack devstack = start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping Pulse...");
            quietConsole();
            devstack.close();
            System.out.println("Pulse stopped; data kept in " + settings.dataDir());
            stopped.countDown();
        }, "devstack-stop"));
        System.out.print(devstack.banner((System.nanoTime() - began) / 1e9));
        System.out.flush();
        stopped.await();
    }

    /** Starts everything, in dependency order; on failure stops what had started and rethrows. */
    public static Devstack start(DevstackSettings settings) throws Exception {
        Devstack devstack = new Devstack(settings);
        try {
            devstack.startAll();
            return devstack;
        } catch (Exception | Error e) {
            devstack.close();
            throw e;
        }
    }

    private void startAll() throws Exception {
        Path data = settings.dataDir();
        if (settings.fresh()) {
            step("Emptying the data folder " + data);
            deleteContents(data);
        }
        Files.createDirectories(data);

        step("PostgreSQL");
        String jdbcUrl = settings.configured(DevstackSettings.JDBC_URL).orElse(null);
        postgres = jdbcUrl == null ? Postgres.embedded(data.resolve("postgres"))
                : Postgres.configured(jdbcUrl, settings.configured(DevstackSettings.JDBC_USER).orElse("postgres"),
                        settings.configured(DevstackSettings.JDBC_PASSWORD).orElse(""));
        started.add(new Part("PostgreSQL", postgres));
        step("Redis");
        redis = settings.configured(DevstackSettings.REDIS_URI).map(Redis::configured)
                .orElseGet(() -> Redis.embedded(data.resolve("redis")));
        started.add(new Part("Redis", redis));
        step("AMQP broker");
        broker = settings.configured(DevstackSettings.AMQP_URI).map(Broker::configured)
                .orElseGet(() -> Broker.embedded(data.resolve("broker")));
        started.add(new Part("AMQP broker", broker));

        step("Rollup job on a Flink MiniCluster");
        flinkUiPort = port(settings.flinkUiPort());
        List<String> jobArguments = List.of(
            "--amqp-uri", broker.uri(), "--shards", Integer.toString(SHARDS), "--parallelism", "2",
            "--jdbc-url", postgres.jdbcUrl(), "--jdbc-user", postgres.user(), "--jdbc-password", postgres.password(),
            "--redis-uri", redis.uri(),
            // every accepted event, for backfills (written by the default rollup's job only)
            "--archive-dir", data.resolve("archive").toUri().toString(),
            // the default (a minute) folds late events into fewer row updates at production rates; at a few
            // hundred events/s there is little to save, and a late event's correction shows within seconds
            "--corrections-interval-ms", "5000");
        List<String> devstackJob = new ArrayList<>(jobArguments);
        devstackJob.addAll(List.of("--checkpoint-dir", data.resolve("checkpoints").toUri().toString()));
        RollupJobConfig config = RollupJobConfig.fromArgs(devstackJob.toArray(new String[0]));
        flinkMetricsPort = FreePorts.preferred(FLINK_METRICS_PORT);
        job = LocalRollupJob.start(config, data.resolve("checkpoints"), flinkUiPort, flinkMetricsPort);
        started.add(new Part("Flink MiniCluster", job));
        job.restoredFrom().ifPresent(checkpoint -> System.out.println("  resumed from checkpoint " + checkpoint));
        job.awaitFirstCheckpoint(Duration.ofMinutes(2)); // every task runs and reads its shard

        step("Identity provider and serving API");
        IdentityProvider identity = IdentityProvider.shared();
        started.add(new Part("identity provider", IdentityProvider::stopShared));
        Map<String, Object> properties = new HashMap<>(identity.serverProperties());
        properties.put("micronaut.server.port", port(settings.port()));
        properties.put("micronaut.server.host", "127.0.0.1");
        properties.put("micronaut.session.http.cookie-secure", false); // plain HTTP on localhost
        properties.put("datasources.default.url", postgres.jdbcUrl());
        properties.put("datasources.default.username", postgres.user());
        properties.put("datasources.default.password", postgres.password());
        properties.put("redis.uri", redis.uri());
        properties.put("pulse.amqp.uri", broker.uri());
        properties.put("pulse.amqp.shards", SHARDS);
        properties.put("pulse.operations.flink-url", "http://127.0.0.1:" + flinkUiPort);
        // the jobs API deploys specs to the same MiniCluster, with the devstack job's own settings
        settings.jobJar().ifPresent(jar -> {
            properties.put("pulse.jobs.jar", jar.toString());
            properties.put("pulse.jobs.savepoint-dir", data.resolve("savepoints").toUri().toString());
            // checkpoints of their own: a start resumes the devstack's job from the newest one in its folder
            List<String> deployed = new ArrayList<>(jobArguments);
            deployed.addAll(List.of("--checkpoint-dir", data.resolve("deployed-checkpoints").toUri().toString()));
            properties.put("pulse.jobs.job-arguments", deployed);
        });
        broker.managementApi().ifPresent(management -> {
            properties.put("pulse.operations.rabbitmq-url", management.url());
            properties.put("pulse.operations.rabbitmq-user", management.user());
            properties.put("pulse.operations.rabbitmq-password", management.password());
            properties.put("pulse.operations.rabbitmq-vhost", management.vhost());
        });
        if (dashboardBuilt()) {
            // the built dashboard at /, where a login lands; the API's routes keep their paths
            properties.put("micronaut.router.static-resources.dashboard.paths", "file:" + settings.dashboardDir());
            properties.put("micronaut.router.static-resources.dashboard.mapping", "/**");
        }
        // not the dev environment: the dashboard is served under the production Content-Security-Policy
        api = ApplicationContext.builder().properties(properties).deduceEnvironment(false)
                .start().getBean(EmbeddedServer.class).start();
        started.add(new Part("serving API", api::stop));

        List<String> made = new DemoDashboards(apiUrl(), tenant -> identity.token("devstack", tenant, "editor"))
                .provision(IdentityProvider.TENANTS);
        if (!made.isEmpty()) {
            System.out.println("  made the demo dashboard of " + String.join(", ", made));
        }

        if (settings.traffic()) {
            step("Synthetic traffic");
            traffic = new DemoTraffic(broker.uri(), new EventTopology(config.topology().exchange(), SHARDS),
                    IdentityProvider.TENANTS, settings.eventsPerSecond(), Clock.systemUTC());
            Thread publisher = new Thread(traffic, "demo-traffic");
            publisher.setDaemon(true);
            publisher.start();
            started.add(new Part("synthetic traffic", traffic::stop));
        }
    }

    /** {@code 0} for any free port, else the given one or, when it is taken, the next free one. */
    private static int port(int wanted) {
        return wanted == 0 ? FreePorts.any() : FreePorts.preferred(wanted);
    }

    private boolean dashboardBuilt() {
        return Files.isRegularFile(settings.dashboardDir().resolve("index.html"));
    }

    public String apiUrl() {
        return api.getURL().toString();
    }

    /** The port of the rollup job's Prometheus metrics. */
    public int flinkMetricsPort() {
        return flinkMetricsPort;
    }

    public List<BackingService> services() {
        return List.of(postgres, redis, broker);
    }

    /**
     * Stops everything started, newest first; a failure to stop one does not keep the others running. A
     * slow stop is reported, so that a stop that takes long says which part held it.
     */
    @Override
    public synchronized void close() {
        List<Part> stopping = new ArrayList<>(started);
        Collections.reverse(stopping);
        started.clear();
        for (Part part : stopping) {
            long began = System.nanoTime();
            try {
                part.stop().close();
            } catch (Exception e) {
                System.err.println("  could not stop the " + part.name() + ": " + e);
            }
            double seconds = (System.nanoTime() - began) / 1e9;
            if (seconds >= SLOW_STOP_SECONDS) {
                System.out.printf("  stopping the %s took %.1f s%n", part.name(), seconds);
            }
        }
    }

    /** Something started, and how to stop it. */
    private record Part(String name, AutoCloseable stop) {
    }

    /** What is printed once everything is ready: every address, the demo logins, where data is kept, how to stop. */
    String banner(double seconds) {
        String url = apiUrl();
        String identity = IdentityProvider.shared().tokenEndpoint();
        StringBuilder banner = new StringBuilder();
        banner.append(String.format("%n%s (started in %.1f s)%n", READY, seconds));
        banner.append(String.format("  Dashboard        %s%n", dashboardBuilt() ? url + "/"
                : "not built (" + settings.dashboardDir() + " has no index.html)"));
        banner.append(String.format("  Demo dashboard   \"%s\" in each tenant%n", DemoDashboards.NAME));
        banner.append(String.format("  API              %s  (OpenAPI: %s/openapi/pulse-v2.yml)%n", url, url));
        banner.append(String.format("  Log in           %s/oauth/login/pulse  as any demo user <role>@<tenant>:%n", url));
        banner.append(String.format("                   roles %s; tenants %s%n", String.join(", ", IdentityProvider.ROLES),
                String.join(", ", IdentityProvider.TENANTS)));
        banner.append(String.format("  API token        curl -s -d grant_type=client_credentials -d client_id=acme-admin -d client_secret=local %s%n", identity));
        banner.append(String.format("  Flink web UI     http://127.0.0.1:%d  (backpressure, checkpoints, watermarks)%n", flinkUiPort));
        banner.append(String.format("  Metrics          %s/prometheus  and  http://127.0.0.1:%d/metrics  (Prometheus scrapes)%n",
                url, flinkMetricsPort));
        for (BackingService service : services()) {
            banner.append(String.format("  %-16s %s  (%s)%n", service.name(), service.address(),
                    service.embedded() ? "embedded" : "configured"));
        }
        banner.append(String.format("  Traffic          %s%n", settings.traffic()
                ? String.format("%.0f events/s at the daily peak, tenants %s (--no-traffic: off)", settings.eventsPerSecond(),
                        String.join(", ", IdentityProvider.TENANTS))
                : "off"));
        banner.append(String.format("  Data             %s  (kept for the next start; --fresh starts empty)%n", settings.dataDir()));
        banner.append(String.format("  Logs             %s%n", settings.dataDir().resolve("logs/devstack.log")));
        banner.append("  Stop             Ctrl-C\n");
        return banner.toString();
    }

    /**
     * While stopping, parts that lose their services on the way log errors (a sink whose database has
     * gone, after Ctrl-C reached PostgreSQL too): they go to the log file only, not to the console.
     */
    private static void quietConsole() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logging) {
            logging.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender("CONSOLE");
        }
    }

    private static void step(String what) {
        System.out.println("Starting " + what + "...");
    }

    private static void deleteContents(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(folder)) {
            // the log of this start may already be open there
            Path logs = folder.resolve("logs");
            for (Path path : tree.sorted(Comparator.reverseOrder())
                    .filter(path -> !path.equals(folder) && !path.startsWith(logs)).toList()) {
                Files.delete(path);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
