package io.pulse.serving.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.RedisKeys;
import io.pulse.contracts.rollup.Rollup;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.rollup.RollupPublication;
import io.pulse.contracts.testing.IdentityProvider;
import io.pulse.contracts.rollup.RollupUpdate;
import io.pulse.contracts.rollup.SeriesKey;
import io.pulse.contracts.schema.Migrations;
import io.pulse.contracts.testing.Databases;
import io.pulse.contracts.testing.Machine;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * WebSocket fan-out load: starts serving-api in its own JVM, opens {@code --connections} (10,000)
 * WebSockets to {@code /v1/stream}, each subscribed to {@code --subscriptions} (3) of
 * {@code --tenants} x {@code --series} live series, then publishes {@code --rate} (50) window results
 * per second for {@code --seconds} (60) the way the rollup job does (row, then the publication script),
 * each carrying its publication time as its max. Prints fan-out latency from publication to receipt,
 * deltas delivered per second, and the server's memory per connection (heap after a full GC, and RSS).
 *
 * <pre>mvn -pl serving-api exec:exec@stream-load -Dbench.args="--connections 10000"</pre>
 */
public final class StreamLoad {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String METRIC = "load";

    private StreamLoad() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = Options.parse(args);
        int connections = Integer.parseInt(o.getOrDefault("connections", "10000"));
        int perConnection = Integer.parseInt(o.getOrDefault("subscriptions", "3"));
        int tenants = Integer.parseInt(o.getOrDefault("tenants", "10"));
        int seriesPerTenant = Integer.parseInt(o.getOrDefault("series", "10"));
        double rate = Double.parseDouble(o.getOrDefault("rate", "50"));
        int seconds = Integer.parseInt(o.getOrDefault("seconds", "60"));
        int port = Integer.parseInt(o.getOrDefault("port", "8090"));
        String jdbcUrl = o.getOrDefault("jdbc-url", "jdbc:postgresql://127.0.0.1:5432/pulse_stream_load");
        String namespace = "stream-load-" + System.currentTimeMillis();
        Databases.createIfMissing(jdbcUrl, "postgres", "");
        Migrations.apply(jdbcUrl, "postgres", "");

        Process server = startServer(port, jdbcUrl, namespace, o.getOrDefault("server-heap", "2g"));
        try {
            awaitListening(port);
            Memory before = Memory.of(server.pid());
            Clients clients = new Clients(connections / 2_000 + 1);
            long opening = System.nanoTime();
            openAll(clients, port, connections, perConnection, tenants, seriesPerTenant);
            double openSeconds = (System.nanoTime() - opening) / 1e9;
            Memory after = Memory.of(server.pid());
            System.out.printf("opened %d connections with %d subscriptions each in %.1f s%n", connections,
                    perConnection, openSeconds);

            clients.latencies.clear();
            clients.delivered.reset();
            long published = publish(jdbcUrl, namespace, tenants, seriesPerTenant, rate, seconds);
            long drainUntil = System.currentTimeMillis() + 5_000; // deltas still in flight when publishing ends
            while (System.currentTimeMillis() < drainUntil) {
                Thread.sleep(100); // a fixed drain window: the count below is what arrived within it
            }
            report(o, connections, perConnection, tenants * seriesPerTenant, rate, seconds, published, openSeconds,
                    before, after, clients);
        } finally {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
            IdentityProvider.stopShared();
        }
    }

    private static Process startServer(int port, String jdbcUrl, String namespace, String heap) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-cp", System.getProperty("java.class.path"), "io.pulse.serving.Application");
        builder.environment().putAll(Map.of("PULSE_JDBC_URL", jdbcUrl, "MICRONAUT_SERVER_PORT", "" + port,
                "PULSE_REDIS_NAMESPACE", namespace, "PULSE_STREAM_MAX_SUBSCRIPTIONS_PER_TENANT", "1000000",
                "PULSE_RATE_LIMIT_ENABLED", "false",
                "PULSE_OIDC_ISSUER", IdentityProvider.shared().issuer()));
        builder.redirectErrorStream(true).redirectOutput(Path.of(System.getProperty("java.io.tmpdir"),
                "stream-load-server.log").toFile());
        return builder.start();
    }

    private static void awaitListening(int port) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.currentTimeMillis() + 120_000;
        while (true) {
            try {
                http.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/openapi/pulse-v2.yml")).build(), java.net.http.HttpResponse.BodyHandlers.discarding());
                return;
            } catch (java.io.IOException notYet) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("the server did not start; see stream-load-server.log");
                }
                Thread.sleep(200); // polling a port that is not listening yet
            }
        }
    }

    /** WebSocket clients (one selector thread each) and what all their connections received. */
    private static final class Clients {
        final List<HttpClient> http = new ArrayList<>();
        final ConcurrentLinkedQueue<long[]> latencies = new ConcurrentLinkedQueue<>();
        final LongAdder delivered = new LongAdder();
        final LongAdder snapshots = new LongAdder();

        Clients(int count) {
            for (int i = 0; i < count; i++) {
                http.add(HttpClient.newHttpClient());
            }
        }
    }

    private static void openAll(Clients clients, int port, int connections, int perConnection, int tenants,
                                int seriesPerTenant) throws Exception {
        String[] tokens = new String[tenants];
        for (int t = 0; t < tenants; t++) {
            tokens[t] = IdentityProvider.shared().token("stream-load", "load-" + t, "viewer");
        }
        Semaphore opening = new Semaphore(200);
        URI uri = URI.create("ws://127.0.0.1:" + port + "/v1/stream");
        List<CompletableFuture<WebSocket>> sockets = new ArrayList<>(connections);
        for (int c = 0; c < connections; c++) {
            opening.acquire();
            int tenant = c % tenants;
            int connection = c;
            CompletableFuture<WebSocket> socket = clients.http.get(c % clients.http.size()).newWebSocketBuilder()
                    .header("Authorization", "Bearer " + tokens[tenant])
                    .buildAsync(uri, new Receiver(clients))
                    .thenCompose(ws -> subscribe(ws, connection, perConnection, tenants, seriesPerTenant))
                    .whenComplete((ws, failure) -> opening.release());
            sockets.add(socket);
        }
        CompletableFuture.allOf(sockets.toArray(new CompletableFuture[0])).get(10, TimeUnit.MINUTES);
        long expected = (long) connections * perConnection;
        long deadline = System.currentTimeMillis() + 300_000;
        while (clients.snapshots.sum() < expected && System.currentTimeMillis() < deadline) {
            Thread.sleep(100); // waiting for every subscription's snapshot
        }
        if (clients.snapshots.sum() < expected) {
            throw new IllegalStateException("only " + clients.snapshots.sum() + " of " + expected + " snapshots arrived");
        }
    }

    private static CompletableFuture<WebSocket> subscribe(WebSocket socket, int connection, int perConnection,
                                                          int tenants, int seriesPerTenant) {
        CompletableFuture<WebSocket> sent = CompletableFuture.completedFuture(socket);
        for (int k = 0; k < perConnection; k++) {
            int series = (connection / tenants * perConnection + k) % seriesPerTenant;
            String frame = "{\"type\":\"subscribe\",\"sub\":\"s" + k + "\",\"metric\":\"" + METRIC
                    + "\",\"aggregate\":\"max\",\"points\":1,\"filters\":[\"series:eq:s" + series + "\"]}";
            sent = sent.thenCompose(ws -> ws.sendText(frame, true));
        }
        return sent;
    }

    /** Counts snapshots and deltas; a delta's value is its publication time, so receipt minus value is the latency. */
    private static final class Receiver implements WebSocket.Listener {
        private final Clients clients;
        private final StringBuilder partial = new StringBuilder();

        Receiver(Clients clients) {
            this.clients = clients;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                long now = System.currentTimeMillis();
                String frame = partial.toString();
                partial.setLength(0);
                if (frame.startsWith("{\"type\":\"snapshot\"")) {
                    clients.snapshots.increment();
                } else if (frame.startsWith("{\"type\":\"delta\"")) {
                    clients.delivered.increment();
                    int at = frame.lastIndexOf("\"value\":");
                    int end = frame.indexOf(',', at);
                    long published = (long) Double.parseDouble(frame.substring(at + 8, end));
                    clients.latencies.add(new long[] {now - published});
                }
            }
            socket.request(1);
            return null;
        }
    }

    /** Publishes at {@code rate} per second, round robin over the series: row upsert, then the job's script. */
    private static long publish(String jdbcUrl, String namespace, int tenants, int seriesPerTenant, double rate,
                                int seconds) throws Exception {
        RedisKeys keys = new RedisKeys(namespace);
        RedisClient redis = RedisClient.create(System.getenv().getOrDefault("PULSE_REDIS_URI", "redis://127.0.0.1:6379"));
        AtomicLong version = new AtomicLong(System.currentTimeMillis() * 1000);
        long count = 0;
        try (StatefulRedisConnection<String, String> connection = redis.connect();
             Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "");
             PreparedStatement upsert = db.prepareStatement("INSERT INTO rollup_10s (tenant, metric, series, dimensions,"
                     + " bucket_start, revision, version, count, sum, min, max, quantile_sketch, distinct_sketch)"
                     + " VALUES (?, ?, ?, ?::jsonb, ?, 0, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, metric, series,"
                     + " bucket_start) DO UPDATE SET version = EXCLUDED.version, count = EXCLUDED.count,"
                     + " sum = EXCLUDED.sum, min = EXCLUDED.min, max = EXCLUDED.max,"
                     + " quantile_sketch = EXCLUDED.quantile_sketch, distinct_sketch = EXCLUDED.distinct_sketch")) {
            String script = connection.sync().scriptLoad(RollupPublication.SCRIPT);
            long start = System.nanoTime();
            long intervalNanos = (long) (1e9 / rate);
            while (System.nanoTime() - start < seconds * 1_000_000_000L) {
                long due = start + count * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait); // pacing the publication rate
                }
                String tenant = "load-" + (count % tenants);
                SeriesKey key = SeriesKey.of(tenant, METRIC, Map.of("series", "s" + (count / tenants % seriesPerTenant)));
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
                count++;
            }
        } finally {
            redis.shutdown();
        }
        return count;
    }

    private static void report(Map<String, String> o, int connections, int perConnection, int series, double rate,
                               int seconds, long published, double openSeconds, Memory before, Memory after,
                               Clients clients) throws Exception {
        long[] latencies = clients.latencies.stream().mapToLong(l -> l[0]).sorted().toArray();
        long expected = published * connections * perConnection / series;
        System.out.println("machine: " + Machine.describe() + "; server JVM -Xmx" + o.getOrDefault("server-heap", "2g")
                + ", load client, PostgreSQL and Redis on the same machine");
        System.out.printf("setup: %d connections x %d subscriptions over %d series; %d publications in %d s (%.0f/s)%n",
                connections, perConnection, series, published, seconds, rate);
        System.out.printf("delivered %d deltas (%d expected without conflation), %.0f deltas/s%n",
                clients.delivered.sum(), expected, clients.delivered.sum() / (double) seconds);
        System.out.printf("fan-out latency publication -> receipt: p50 %d ms, p95 %d ms, p99 %d ms, max %d ms%n",
                percentile(latencies, 50), percentile(latencies, 95), percentile(latencies, 99),
                latencies.length == 0 ? -1 : latencies[latencies.length - 1]);
        System.out.printf("server memory per connection: heap %.1f KiB (after full GC), RSS %.1f KiB;"
                        + " heap %d -> %d MiB, RSS %d -> %d MiB; opened in %.1f s%n",
                (after.heapKiB - before.heapKiB) / (double) connections, (after.rssKiB - before.rssKiB) / (double) connections,
                before.heapKiB / 1024, after.heapKiB / 1024, before.rssKiB / 1024, after.rssKiB / 1024, openSeconds);
    }

    private static long percentile(long[] sorted, double p) {
        return sorted.length == 0 ? -1 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)];
    }

    /** A JVM's heap in use after a full GC (jcmd) and its resident set (/proc). */
    private record Memory(long heapKiB, long rssKiB) {
        static Memory of(long pid) throws Exception {
            jcmd(pid, "GC.run");
            String heap = jcmd(pid, "GC.heap_info");
            long used = Arrays.stream(heap.split("\n")).filter(l -> l.contains("used"))
                    .map(l -> l.replaceAll(".*used (\\d+)K.*", "$1")).filter(s -> s.matches("\\d+"))
                    .mapToLong(Long::parseLong).findFirst().orElse(-1);
            long rss = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(l -> l.startsWith("VmRSS")).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")))
                    .findFirst().orElse(-1);
            return new Memory(used, rss);
        }

        private static String jcmd(long pid, String command) throws Exception {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    "" + pid, command).redirectErrorStream(true).start();
            String output = new String(jcmd.getInputStream().readAllBytes());
            jcmd.waitFor(60, TimeUnit.SECONDS);
            return output;
        }
    }
}
