package io.pulse.serving.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.RedisKeys;
import io.pulse.contracts.rollup.Rollup;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.rollup.RollupPublication;
import io.pulse.contracts.rollup.RollupUpdate;
import io.pulse.contracts.rollup.SeriesKey;
import io.pulse.contracts.schema.Migrations;
import io.pulse.contracts.testing.Databases;
import io.pulse.contracts.testing.IdentityProvider;
import io.pulse.contracts.testing.Machine;
import io.pulse.contracts.testing.ProcessStats;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * WebSocket fan-out, Pulse beside the Socket.IO server a user would pick instead, in one run on one
 * machine. For each target it starts the server(s), opens {@code --connections} (10,000) sockets with
 * the same Node load client ({@code bench/fanout/load-client.js}, split over {@code --client-processes}
 * processes and the {@code --local-addresses} source addresses), subscribes each to
 * {@code --subscriptions} (3) of {@code --tenants} x {@code --series} series, then publishes
 * {@code --rate} (50) updates per second for {@code --seconds} (60), each carrying its publication time
 * as its value. Pulse gets them the way the rollup job sends them (row upsert, then the publication
 * script) on {@code --instances} (1) serving-api JVMs sharing one Redis; the peer
 * ({@code bench/fanout/socketio-server.js}) gets a Redis PUBLISH per update and emits it to the room of
 * the series. Prints, per target, deltas delivered, latency from publication to receipt, the time to
 * open the connections, the server's resident memory per connection and its CPU, the load client's CPU,
 * then the ratio of Pulse to the peer; writes all of it as JSON ({@code --output}).
 *
 * <pre>mvn -pl serving-api exec:exec@stream-load -Dbench.args="--connections 10000 --rate 250"</pre>
 */
public final class StreamLoad {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String METRIC = "load";
    /** How long deltas still in flight when publishing ends are waited for. */
    private static final int DRAIN_SECONDS = 5;
    private static final Path FANOUT = Path.of(System.getProperty("pulse.project.dir", ".."), "bench", "fanout");

    private StreamLoad() {
    }

    /** The run's shape, the same for both targets. */
    private record Shape(int connections, int perConnection, int tenants, int seriesPerTenant, double rate,
                         int seconds, int clientProcesses, List<String> localAddresses) {
        long expectedDeltas(long published) {
            return published * connections * perConnection / ((long) tenants * seriesPerTenant);
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = Options.parse(args);
        int connections = Integer.parseInt(o.getOrDefault("connections", "10000"));
        Shape shape = new Shape(connections, Integer.parseInt(o.getOrDefault("subscriptions", "3")),
                Integer.parseInt(o.getOrDefault("tenants", "10")), Integer.parseInt(o.getOrDefault("series", "10")),
                Double.parseDouble(o.getOrDefault("rate", "50")), Integer.parseInt(o.getOrDefault("seconds", "60")),
                Integer.parseInt(o.getOrDefault("client-processes", "" + (connections + 14_999) / 15_000)),
                List.of(o.getOrDefault("local-addresses", "127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4").split(",")));
        int instances = Integer.parseInt(o.getOrDefault("instances", "1"));
        int port = Integer.parseInt(o.getOrDefault("port", "8090"));
        String targets = o.getOrDefault("targets", "pulse,socketio");
        Path output = Path.of(o.getOrDefault("output", System.getProperty("pulse.project.dir", "..")
                + "/bench-results/stream-load.json"));
        NodeClients.install(FANOUT);

        ObjectNode result = JSON.createObjectNode();
        result.set("machine", JSON.valueToTree(Machine.describe()));
        ObjectNode settings = result.putObject("settings");
        settings.put("connections", shape.connections());
        settings.put("subscriptionsPerConnection", shape.perConnection());
        settings.put("series", shape.tenants() * shape.seriesPerTenant());
        settings.put("publicationsPerSecond", shape.rate());
        settings.put("seconds", shape.seconds());
        settings.put("pulseInstances", instances);
        settings.put("clientProcesses", shape.clientProcesses());
        settings.put("localAddresses", String.join(",", shape.localAddresses()));
        settings.put("pulseServerHeap", o.getOrDefault("server-heap", "2g"));
        settings.put("loadClient", "bench/fanout/load-client.js on " + NodeClients.nodeVersion());
        ObjectNode figures = result.putObject("results");
        if (targets.contains("pulse")) {
            figures.set("pulse", runPulse(o, shape, instances, port));
        }
        if (targets.contains("socketio")) {
            figures.set("socketio", runSocketIo(shape, port + instances));
        }
        if (figures.has("pulse") && figures.has("socketio")) {
            ObjectNode ratio = figures.putObject("pulseToSocketIo");
            ratio.put("deliveredPerSecond", round(figures.get("pulse").get("deliveredPerSecond").asDouble()
                    / figures.get("socketio").get("deliveredPerSecond").asDouble()));
            ratio.put("p99Latency", round(figures.get("pulse").get("latencyMs").get("p99").asDouble()
                    / Math.max(1, figures.get("socketio").get("latencyMs").get("p99").asDouble())));
            ratio.put("openSeconds", round(figures.get("pulse").get("openSeconds").asDouble()
                    / figures.get("socketio").get("openSeconds").asDouble()));
            ratio.put("rssKiBPerConnection", round(figures.get("pulse").get("serverRssKiBPerConnection").asDouble()
                    / figures.get("socketio").get("serverRssKiBPerConnection").asDouble()));
        }
        String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result);
        Files.createDirectories(output.toAbsolutePath().getParent());
        Files.writeString(output, text);
        System.out.println(text);
        System.out.println("written to " + output.toAbsolutePath());
        IdentityProvider.stopShared();
    }

    private static ObjectNode runPulse(Map<String, String> o, Shape shape, int instances, int port) throws Exception {
        String jdbcUrl = o.getOrDefault("jdbc-url", "jdbc:postgresql://127.0.0.1:5432/pulse_stream_load");
        String namespace = "stream-load-" + System.currentTimeMillis();
        Databases.createIfMissing(jdbcUrl, "postgres", "");
        Migrations.apply(jdbcUrl, "postgres", "");
        List<Process> servers = new ArrayList<>();
        try {
            List<String> urls = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                servers.add(BenchServer.start(port + i, jdbcUrl, o.getOrDefault("server-heap", "2g"),
                        o.get("server-jvm-args"), Map.of("PULSE_REDIS_NAMESPACE", namespace,
                                "PULSE_STREAM_MAX_SUBSCRIPTIONS_PER_TENANT", "1000000", "PULSE_RATE_LIMIT_ENABLED", "false"),
                        "stream-load-server-" + i));
                urls.add("ws://127.0.0.1:" + (port + i) + "/v1/stream");
            }
            for (int i = 0; i < instances; i++) {
                BenchServer.awaitListening(port + i);
            }
            Path tokens = Files.createTempFile("stream-load-tokens", ".json");
            List<String> tokenList = new ArrayList<>();
            for (int t = 0; t < shape.tenants(); t++) {
                tokenList.add(IdentityProvider.shared().token("stream-load", "load-" + t, "viewer"));
            }
            Files.writeString(tokens, JSON.writeValueAsString(tokenList));
            return measure(shape, "pulse", urls, List.of("--tokens-file", tokens.toString()), servers,
                    () -> publishToPulse(jdbcUrl, namespace, shape));
        } finally {
            for (Process server : servers) {
                BenchServer.stop(server);
            }
        }
    }

    private static ObjectNode runSocketIo(Shape shape, int port) throws Exception {
        String prefix = "stream-load-socketio-" + System.currentTimeMillis();
        Process server = new ProcessBuilder("node", "socketio-server.js", "--port", "" + port, "--channel-prefix", prefix,
                "--redis-uri", redisUri()).directory(FANOUT.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            // its first line says it is listening and subscribed to Redis
            String listening = new BufferedReader(new InputStreamReader(server.getInputStream())).readLine();
            if (listening == null || !listening.contains("\"listening\"")) {
                throw new IllegalStateException("the Socket.IO peer did not start: " + listening);
            }
            return measure(shape, "socketio", List.of("http://127.0.0.1:" + port), List.of(), List.of(server),
                    () -> publishToSocketIo(prefix, shape));
        } finally {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Every Pulse instance's delivery delay histogram, summed. */
    private static Map<String, ApiLoad.ServerHistogram> deliveryDelay(List<String> urls) throws Exception {
        Map<String, ApiLoad.ServerHistogram> all = new TreeMap<>();
        for (String url : urls) {
            ApiLoad.ServerHistogram.scrape(URI.create(url).getPort(), "pulse_stream_delivery_delay_seconds")
                    .forEach((name, histogram) -> all.merge(name, histogram, ApiLoad.ServerHistogram::plus));
        }
        return all;
    }

    private interface Publisher {
        Published publish() throws Exception;
    }

    /**
     * What a publisher did: its updates, and for each the time from its timestamp (its value) to its
     * publication in Redis. For Pulse that includes storing the row, as the rollup job does before it
     * publishes: the part of a delta's latency spent before any server sees it.
     */
    private record Published(long count, List<Double> stepMillis) { }

    /**
     * Opens the connections with the load clients (client process i targets {@code urls[i % n]}), publishes,
     * waits for the deltas in flight and collects the figures of clients and servers.
     */
    private static ObjectNode measure(Shape shape, String target, List<String> urls, List<String> extraArgs,
                                      List<Process> servers, Publisher publisher) throws Exception {
        boolean jvm = target.equals("pulse");
        long rssBefore = servers.stream().mapToLong(s -> ProcessStats.rssKiB(s.pid())).sum();
        long heapBefore = jvm ? servers.stream().mapToLong(s -> ProcessStats.heapAfterGcKiB(s.pid())).sum() : 0;
        List<LoadClient> clients = new ArrayList<>();
        try {
            long opening = System.nanoTime();
            int per = (shape.connections() + shape.clientProcesses() - 1) / shape.clientProcesses();
            for (int i = 0; i < shape.clientProcesses(); i++) {
                int offset = i * per;
                int count = Math.min(per, shape.connections() - offset);
                List<String> command = new ArrayList<>(List.of("node", "load-client.js", "--target", target,
                        "--url", urls.get(i % urls.size()), "--connections", "" + count, "--offset", "" + offset,
                        "--subscriptions", "" + shape.perConnection(), "--tenants", "" + shape.tenants(),
                        "--series", "" + shape.seriesPerTenant(),
                        "--local-addresses", String.join(",", shape.localAddresses())));
                command.addAll(extraArgs);
                clients.add(new LoadClient(command));
            }
            long failed = 0;
            for (LoadClient client : clients) {
                failed += client.await("ready").get("failed").asLong();
            }
            double openSeconds = (System.nanoTime() - opening) / 1e9;
            if (failed > 0) {
                throw new IllegalStateException(failed + " " + target + " connections failed to open; see stderr");
            }
            long rssAfter = servers.stream().mapToLong(s -> ProcessStats.rssKiB(s.pid())).sum();
            // a JVM's RSS follows how far its heap grew, not what the connections hold: the heap after a full GC does
            long heapAfter = jvm ? servers.stream().mapToLong(s -> ProcessStats.heapAfterGcKiB(s.pid())).sum() : 0;
            for (LoadClient client : clients) {
                client.send("reset");
                client.await("reset");
            }
            Map<String, ApiLoad.ServerHistogram> delayBefore = jvm ? deliveryDelay(urls) : Map.of();
            long serverCpuBefore = servers.stream().mapToLong(s -> ProcessStats.cpuTicks(s.pid())).sum();
            long started = System.nanoTime();
            Published publication = publisher.publish();
            long published = publication.count();
            double publishSeconds = (System.nanoTime() - started) / 1e9;
            long serverCpu = servers.stream().mapToLong(s -> ProcessStats.cpuTicks(s.pid())).sum() - serverCpuBefore;
            Thread.sleep(DRAIN_SECONDS * 1000L); // a fixed drain window: what counts is what arrived within it
            ObjectNode figures = report(shape, target, clients, published, publishSeconds, openSeconds,
                    rssAfter - rssBefore, serverCpu / 100.0);
            ObjectNode steps = ApiLoad.percentiles(publication.stepMillis());
            figures.set("publisherTimestampToPublishedMs", steps);
            System.out.printf("%s: publisher, update's timestamp to its publication in Redis: p50 %.1f / p95 %.1f / p99 %.1f"
                    + " / max %.1f ms%n", target, steps.get("p50").asDouble(), steps.get("p95").asDouble(),
                    steps.get("p99").asDouble(), steps.get("max").asDouble());
            if (jvm) {
                ApiLoad.ServerHistogram delay = ApiLoad.ServerHistogram.between(delayBefore, deliveryDelay(urls)).get("all");
                figures.set("serverDeliveryDelayMs", delay.figures());
                System.out.printf("%s: server's own delay, first publication of a batch to its delta handed to the sockets"
                        + " (its pulse_stream_delivery_delay histogram):%n", target);
                delay.print("batches");
                figures.put("serverHeapKiBPerConnectionAfterFullGc", round((heapAfter - heapBefore) / (double) shape.connections()));
                System.out.printf("%s: server heap after a full GC %.1f KiB per connection%n", target,
                        (heapAfter - heapBefore) / (double) shape.connections());
            }
            return figures;
        } finally {
            for (LoadClient client : clients) {
                client.quit();
            }
        }
    }

    private static ObjectNode report(Shape shape, String target, List<LoadClient> clients, long published,
                                     double publishSeconds, double openSeconds, long rssKiB, double serverCpuSeconds)
            throws Exception {
        long delivered = 0;
        double clientCpu = 0;
        long clientRss = 0;
        List<JsonNode> reports = new ArrayList<>();
        for (LoadClient client : clients) {
            client.send("report");
            JsonNode report = client.await("report");
            reports.add(report);
            delivered += report.get("delivered").asLong();
            clientCpu += report.get("cpuSecondsSinceReset").asDouble();
            clientRss += report.get("rssKiB").asLong();
        }
        ObjectNode node = JSON.createObjectNode();
        node.put("publications", published);
        node.put("deltasDelivered", delivered);
        node.put("deltasExpected", shape.expectedDeltas(published));
        node.put("deliveredPerSecond", round(delivered / (double) shape.seconds()));
        // each client process reports its own percentiles; the worst of them is the run's bound
        ObjectNode latency = node.putObject("latencyMs");
        for (String p : List.of("p50", "p95", "p99", "max")) {
            latency.put(p, reports.stream().mapToDouble(r -> r.get("latencyMs").get(p).asDouble()).max().orElse(-1));
        }
        node.put("openSeconds", round(openSeconds));
        node.put("serverRssKiBPerConnection", round(rssKiB / (double) shape.connections()));
        node.put("serverCpuCoresWhilePublishing", round(serverCpuSeconds / publishSeconds));
        node.put("clientCpuCoresWhileReceiving", round(clientCpu / (publishSeconds + DRAIN_SECONDS)));
        node.put("clientRssKiB", clientRss);
        System.out.printf("%s: %d of %d deltas (%.0f/s), latency p50 %.0f / p95 %.0f / p99 %.0f / max %.0f ms;"
                        + " opened in %.1f s; server %.1f KiB RSS per connection, %.2f cores; load client %.2f cores%n", target, delivered,
                shape.expectedDeltas(published), delivered / (double) shape.seconds(), latency.get("p50").asDouble(),
                latency.get("p95").asDouble(), latency.get("p99").asDouble(), latency.get("max").asDouble(),
                openSeconds, rssKiB / (double) shape.connections(), serverCpuSeconds / publishSeconds,
                clientCpu / (publishSeconds + DRAIN_SECONDS));
        return node;
    }

    /** One Node load-client process, driven by lines on its stdin and answering JSON lines on stdout. */
    private static final class LoadClient {
        private final Process process;
        private final BufferedReader answers;
        private final Writer commands;

        LoadClient(List<String> command) throws Exception {
            process = new ProcessBuilder(command).directory(FANOUT.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        }

        void send(String command) throws Exception {
            commands.write(command + "\n");
            commands.flush();
        }

        JsonNode await(String event) throws Exception {
            String line;
            while ((line = answers.readLine()) != null) {
                JsonNode answer = JSON.readTree(line);
                if (answer.path("event").asText().equals(event)) {
                    return answer;
                }
                if (answer.path("event").asText().equals("error")) {
                    throw new IllegalStateException("load client: " + answer.path("message").asText());
                }
            }
            throw new IllegalStateException("the load client exited before " + event);
        }

        void quit() throws Exception {
            if (process.isAlive()) {
                send("quit");
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
    }

    private static String redisUri() {
        return System.getenv().getOrDefault("PULSE_REDIS_URI", "redis://127.0.0.1:6379");
    }

    /** Calls {@code publication} at {@code rate} per second for {@code seconds}; returns how many it made. */
    private static Published paced(Shape shape, PublicationStep publication) throws Exception {
        long count = 0;
        List<Double> stepMillis = new ArrayList<>();
        long start = System.nanoTime();
        long intervalNanos = (long) (1e9 / shape.rate());
        while (System.nanoTime() - start < shape.seconds() * 1_000_000_000L) {
            long wait = start + count * intervalNanos - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait); // pacing the publication rate
            }
            long began = System.nanoTime();
            publication.publish(count, "load-" + (count % shape.tenants()),
                    "s" + (count / shape.tenants() % shape.seriesPerTenant()));
            stepMillis.add((System.nanoTime() - began) / 1e6);
            count++;
        }
        return new Published(count, stepMillis);
    }

    private interface PublicationStep {
        void publish(long count, String tenant, String series) throws Exception;
    }

    /** The peer's publication: one PUBLISH of the update, as a Socket.IO application behind Redis would get it. */
    private static Published publishToSocketIo(String prefix, Shape shape) throws Exception {
        RedisClient redis = RedisClient.create(redisUri());
        try (StatefulRedisConnection<String, String> connection = redis.connect()) {
            return paced(shape, (count, tenant, series) -> connection.sync().publish(prefix + ":" + tenant,
                    "{\"tenant\":\"" + tenant + "\",\"series\":\"" + series + "\",\"value\":"
                            + System.currentTimeMillis() + "}"));
        } finally {
            redis.shutdown();
        }
    }

    /** Pulse's publication, as the rollup job makes it: the row upsert, then the publication script. */
    private static Published publishToPulse(String jdbcUrl, String namespace, Shape shape) throws Exception {
        RedisKeys keys = new RedisKeys(namespace);
        RedisClient redis = RedisClient.create(redisUri());
        AtomicLong version = new AtomicLong(System.currentTimeMillis() * 1000);
        try (StatefulRedisConnection<String, String> connection = redis.connect();
             Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "");
             PreparedStatement upsert = db.prepareStatement("INSERT INTO rollup_10s (tenant, metric, series, dimensions,"
                     + " bucket_start, revision, version, count, sum, min, max, quantile_sketch, distinct_sketch)"
                     + " VALUES (?, ?, ?, ?::jsonb, ?, 0, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, metric, series,"
                     + " bucket_start) DO UPDATE SET version = EXCLUDED.version, count = EXCLUDED.count,"
                     + " sum = EXCLUDED.sum, min = EXCLUDED.min, max = EXCLUDED.max,"
                     + " quantile_sketch = EXCLUDED.quantile_sketch, distinct_sketch = EXCLUDED.distinct_sketch")) {
            String script = connection.sync().scriptLoad(RollupPublication.SCRIPT);
            return paced(shape, (count, tenant, series) -> {
                SeriesKey key = SeriesKey.of(tenant, METRIC, Map.of("series", series));
                long now = System.currentTimeMillis();
                RollupAggregate aggregate = new RollupAggregate();
                aggregate.add(now, "u");
                long bucket = now / 10_000 * 10_000;
                long v = version.incrementAndGet();
                upsert.setString(1, tenant);
                upsert.setString(2, METRIC);
                upsert.setString(3, key.series());
                upsert.setString(4, key.series());
                upsert.setTimestamp(5, new Timestamp(bucket));
                upsert.setLong(6, v);
                upsert.setLong(7, aggregate.count());
                upsert.setDouble(8, aggregate.sum());
                upsert.setDouble(9, aggregate.min());
                upsert.setDouble(10, aggregate.max());
                upsert.setBytes(11, aggregate.quantileSketchBytes());
                upsert.setBytes(12, aggregate.distinctSketchBytes());
                upsert.executeUpdate();
                String json = JSON.writeValueAsString(RollupUpdate.of(
                        new Rollup(key, Granularity.TEN_SECONDS, bucket, 0, v, aggregate), false));
                connection.sync().evalsha(script, ScriptOutputType.VALUE,
                        RollupPublication.keys(keys.history(key, Granularity.TEN_SECONDS), keys.stream(tenant, METRIC)),
                        RollupPublication.args(v, json, 10, 600, 10_000, keys.channel(tenant, METRIC)));
            });
        } finally {
            redis.shutdown();
        }
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
