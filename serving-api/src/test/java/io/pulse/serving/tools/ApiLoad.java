package io.pulse.serving.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pulse.contracts.testing.IdentityProvider;
import io.pulse.contracts.testing.Machine;
import io.pulse.contracts.testing.ProcessStats;
import io.pulse.serving.query.QueryEngine;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The query API at a constant request rate. Seeds the benchmark history ({@link SeedHistory}), starts
 * serving-api on it with a cold cache, warms it up with the dashboard mix ({@link DashboardMix}) and the
 * static file for {@code --warmup-seconds} (60), then measures, each at {@code --rate} (1000) requests/s
 * for {@code --seconds} (60):
 * <ol>
 *   <li>a floor: a bare anonymous GET of a small static file of the dashboard's build (served as the devstack
 *   serves it): the same HTTP path without query, cache or database;</li>
 *   <li>the dashboard mix, spread over {@code --viewers} (50) viewer tokens of tenant {@code bench}.</li>
 * </ol>
 * The load comes from {@code bench/api/rate-client.js} (Node, undici), after wrk2: each request has a due
 * time fixed in advance, goes out on one of {@code --connections} (64) keep-alive connections, and its
 * latency counts from its due time, so a slow answer cannot hide the requests queued behind it. For each
 * phase it prints the client's latency (overall and per panel), the server's own latency per route from its
 * {@code http_server_requests} histogram over the same interval, and the CPU of the server, the load client,
 * PostgreSQL and Redis. Then, with the server stopped, it runs each series panel's SQL, as the server sends
 * it, through {@code pgbench} for {@code --pgbench-seconds} (10) with one client: what a cache miss costs
 * the database alone. Writes everything as JSON ({@code --output}).
 *
 * <pre>mvn -pl serving-api exec:exec@api-load -Dbench.args="--rate 1000 --seconds 60"</pre>
 */
public final class ApiLoad {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A small file of the dashboard's build, served as the devstack serves it. */
    private static final String STATIC_FILE = "/manifest.webmanifest";
    private static final Path PROJECT = Path.of(System.getProperty("pulse.project.dir", ".."));
    private static final Path DASHBOARD_BUILD = PROJECT.resolve("dashboard/dist");
    private static final Path CLIENT = PROJECT.resolve("bench/api");

    private ApiLoad() {
    }

    /** The run's settings, from the command line. */
    private record Settings(double rate, int seconds, int warmup, int viewers, int connections, int port,
                            int pgbenchSeconds, String jdbcUrl, String heap, String phases, Map<String, String> serverEnv,
                            String serverJvmArgs, Path output) {

        static Settings of(Map<String, String> o) {
            Map<String, String> env = new HashMap<>();
            // settings to compare, as NAME=value,NAME=value (e.g. PULSE_RATE_LIMIT_ENABLED=false)
            for (String setting : o.getOrDefault("server-env", "").split(",")) {
                if (!setting.isBlank()) {
                    env.put(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
                }
            }
            return new Settings(Double.parseDouble(o.getOrDefault("rate", "1000")),
                    Integer.parseInt(o.getOrDefault("seconds", "60")), Integer.parseInt(o.getOrDefault("warmup-seconds", "60")),
                    Integer.parseInt(o.getOrDefault("viewers", "50")), Integer.parseInt(o.getOrDefault("connections", "64")),
                    Integer.parseInt(o.getOrDefault("port", "8089")), Integer.parseInt(o.getOrDefault("pgbench-seconds", "10")),
                    o.getOrDefault("jdbc-url", "jdbc:postgresql://127.0.0.1:5432/pulse_bench"),
                    o.getOrDefault("server-heap", "1g"), o.getOrDefault("phases", "static,mix"), env,
                    o.getOrDefault("server-jvm-args", ""),
                    Path.of(o.getOrDefault("output", PROJECT + "/bench-results/api-load.json")));
        }
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.of(Options.parse(args));
        try {
            run(settings);
        } finally {
            IdentityProvider.stopShared();
        }
    }

    private static void run(Settings s) throws Exception {
        if (!Files.isRegularFile(DASHBOARD_BUILD.resolve(STATIC_FILE.substring(1)))) {
            throw new IllegalStateException("no dashboard build in " + DASHBOARD_BUILD + ": run mvn install first");
        }
        NodeClients.install(CLIENT);
        SeedHistory.main(new String[] {"--jdbc-url", s.jdbcUrl()});
        ObjectNode result = JSON.createObjectNode();
        result.set("machine", JSON.valueToTree(Machine.describe()));
        ObjectNode settings = JSON.valueToTree(s);
        settings.put("output", s.output().toString());
        settings.put("mix", DashboardMix.describe());
        settings.put("loadClient", "bench/api/rate-client.js (undici, constant rate as wrk2) on " + NodeClients.nodeVersion());
        result.set("settings", settings);
        ObjectNode figures = result.putObject("results");

        Map<String, String> env = new HashMap<>(Map.of(
                // a namespace of its own: the cache starts cold, and no other run's keys are touched
                "PULSE_REDIS_NAMESPACE", "api-load-" + System.currentTimeMillis(),
                // every request comes from 127.0.0.1, standing for many viewers' addresses; per caller limits stay
                "PULSE_RATE_LIMIT_QUERY_PER_IP", "100000000"));
        env.putAll(s.serverEnv());
        Process server = BenchServer.start(s.port(), s.jdbcUrl(), s.heap(),
                ("-Dmicronaut.router.static-resources.dashboard.paths=file:" + DASHBOARD_BUILD.toAbsolutePath()
                        + " -Dmicronaut.router.static-resources.dashboard.mapping=/** " + s.serverJvmArgs()).trim(),
                env, "api-load-server");
        try {
            BenchServer.awaitListening(s.port());
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < s.viewers(); i++) {
                tokens.add(IdentityProvider.shared().token("viewer-" + i, BenchHistory.TENANT, "viewer"));
            }
            Phase phase = new Phase(s, server.pid(), tokens);
            Requests staticFile = (random, now, i) -> new Planned("static file", "GET", STATIC_FILE, null, null);
            Requests mix = mix(s.viewers());
            System.out.printf("warming up: the mix and the static file at %.0f requests/s for %d s%n", s.rate(), s.warmup());
            phase.load((random, now, i) -> i % 10 == 0 ? staticFile.next(random, now, i) : mix.next(random, now, i),
                    s.warmup(), () -> { }, () -> { });
            if (s.phases().contains("static")) {
                figures.set("staticFile", phase.measure("a bare GET of " + STATIC_FILE, staticFile));
            }
            if (s.phases().contains("mix")) {
                figures.set("dashboardMix", phase.measure("the dashboard mix", mix));
            }
        } finally {
            BenchServer.stop(server);
        }
        if (s.pgbenchSeconds() > 0) {
            figures.set("pgbenchFloor", pgbench(s.jdbcUrl(), s.pgbenchSeconds()));
        }

        String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result);
        Files.createDirectories(s.output().toAbsolutePath().getParent());
        Files.writeString(s.output(), text);
        System.out.println("machine: " + Machine.describe());
        System.out.println("written to " + s.output().toAbsolutePath());
    }

    /** The i-th request of a run: the name its latency is reported under, and what the client sends. */
    private interface Requests {
        Planned next(SplittableRandom random, Instant due, long i);
    }

    /** One line of the client's schedule; {@code token} indexes the viewers' tokens (null: anonymous). */
    private record Planned(String name, String method, String target, String body, Integer token) {
    }

    private static Requests mix(int viewers) {
        return (random, due, i) -> {
            DashboardMix.Panel panel = DashboardMix.pick(random);
            DashboardMix.Call call = panel.call().make(random, due);
            return new Planned(panel.name(), call.method(), call.target(), call.body(), (int) (i % viewers));
        };
    }

    /** One measured interval: the client's figures beside the server's histogram and every component's CPU. */
    private record Phase(Settings settings, long serverPid, List<String> tokens) {

        ObjectNode measure(String title, Requests requests) throws Exception {
            Map<String, Long> cpuAfter = new HashMap<>();
            Map<String, Long> cpuBefore = new HashMap<>();
            Map<String, ServerHistogram> before = ServerHistogram.scrape(settings.port());
            JsonNode report = load(requests, settings.seconds(), () -> cpuBefore.putAll(cpuTicks()),
                    () -> cpuAfter.putAll(cpuTicks()));
            Map<String, ServerHistogram> server = ServerHistogram.between(before, ServerHistogram.scrape(settings.port()));

            double seconds = report.get("seconds").asDouble();
            long answered = report.get("all").get("count").asLong();
            ObjectNode node = JSON.createObjectNode();
            node.put("offeredPerSecond", settings.rate());
            node.put("sentPerSecond", round(answered / report.get("sendingSeconds").asDouble()));
            node.put("answeredPerSecond", round(answered / seconds));
            node.set("failures", report.get("failures"));
            node.set("clientLatencyMs", report.get("all"));
            node.set("clientLatencyMsByRequest", report.get("byName"));
            node.set("serverLatencyMs", server.get("all").figures());
            ObjectNode routes = node.putObject("serverLatencyMsByRoute");
            server.forEach((route, h) -> routes.set(route, h.figures()));
            ObjectNode cores = node.putObject("cpuCores");
            cpuAfter.forEach((component, ticks) -> cores.put(component,
                    round((ticks - cpuBefore.getOrDefault(component, 0L)) / 100.0 / seconds)));

            System.out.printf("%n%s at %.0f requests/s for %d s: sent %.0f/s, answered %.0f/s, failures %s%n", title,
                    settings.rate(), settings.seconds(), node.get("sentPerSecond").asDouble(),
                    node.get("answeredPerSecond").asDouble(), report.get("failures"));
            System.out.printf("  %-40s %8s %8s %8s %8s %8s%n", "client latency (ms)", "count", "p50", "p95", "p99", "max");
            System.out.printf("  %-40s %8d", "all requests", answered);
            printPercentiles(report.get("all"));
            report.get("byName").fields().forEachRemaining(e -> {
                System.out.printf("  %-40s %8d", e.getKey(), e.getValue().get("count").asLong());
                printPercentiles(e.getValue());
            });
            System.out.printf("  %-40s %8s %8s %8s %8s   (its http_server_requests histogram)%n", "server's own latency (ms)",
                    "count", "p50", "p95", "p99");
            server.forEach((route, h) -> h.print(route));
            System.out.println("  CPU cores: " + cores);
            return node;
        }

        /**
         * Runs the client over {@code requests} for {@code seconds}, running {@code atStart} as the client starts
         * sending and {@code atEnd} once every answer is in.
         */
        JsonNode load(Requests requests, int seconds, Runnable atStart, Runnable atEnd) throws Exception {
            Path schedule = Files.createTempFile("api-load-schedule", ".jsonl");
            try {
                writeSchedule(schedule, requests, seconds);
                Process client = new ProcessBuilder("node", "rate-client.js", "--base", "http://127.0.0.1:" + settings.port(),
                        "--schedule", schedule.toString(), "--connections", "" + settings.connections())
                        .directory(CLIENT.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                try {
                    BufferedReader answers = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
                    Writer commands = new OutputStreamWriter(client.getOutputStream(), StandardCharsets.UTF_8);
                    await(answers, "ready");
                    atStart.run();
                    commands.write("go\n");
                    commands.flush();
                    JsonNode report = await(answers, "report");
                    atEnd.run();
                    return report;
                } finally {
                    client.destroy();
                    client.waitFor(30, TimeUnit.SECONDS);
                }
            } finally {
                Files.deleteIfExists(schedule);
            }
        }

        private void writeSchedule(Path schedule, Requests requests, int seconds) throws IOException {
            SplittableRandom random = new SplittableRandom(42);
            long total = (long) (settings.rate() * seconds);
            Instant start = Instant.now();
            try (BufferedWriter out = Files.newBufferedWriter(schedule)) {
                out.write(JSON.writeValueAsString(Map.of("tokens", tokens)));
                out.newLine();
                for (long i = 0; i < total; i++) {
                    double at = i * 1000.0 / settings.rate();
                    Planned planned = requests.next(random, start.plusMillis((long) at), i);
                    ObjectNode line = JSON.valueToTree(planned);
                    line.put("at", at);
                    out.write(JSON.writeValueAsString(line));
                    out.newLine();
                }
            }
        }

        private static JsonNode await(BufferedReader answers, String event) throws IOException {
            String line;
            while ((line = answers.readLine()) != null) {
                JsonNode answer = JSON.readTree(line);
                if (answer.path("event").asText().equals(event)) {
                    return answer;
                }
            }
            throw new IllegalStateException("the load client exited before " + event + "; see stderr");
        }

        private Map<String, Long> cpuTicks() {
            long self = ProcessHandle.current().pid();
            try {
                return ProcessStats.cpuTicksByComponent((pid, command) -> pid == serverPid ? "serving-api"
                        : command.equals("node") && ProcessHandle.of(pid).flatMap(h -> h.parent()).map(ProcessHandle::pid)
                                .orElse(-1L) == self ? "load client"
                        : command.startsWith("postgres") ? "postgresql"
                        : command.startsWith("redis-server") ? "redis" : null);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private static void printPercentiles(JsonNode figures) {
        System.out.printf(" %8.2f %8.2f %8.2f %8.2f%n", figures.get("p50").asDouble(), figures.get("p95").asDouble(),
                figures.get("p99").asDouble(), figures.get("max").asDouble());
    }

    /** count, p50, p95, p99, p999 and max of {@code values} (ms). */
    static ObjectNode percentiles(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        ObjectNode node = JSON.createObjectNode();
        node.put("count", sorted.size());
        for (double p : new double[] {50, 95, 99, 99.9}) {
            int index = (int) Math.min(sorted.size() - 1, Math.max(0, Math.ceil(p / 100 * sorted.size()) - 1));
            node.put(p == 99.9 ? "p999" : "p" + (int) p, round(sorted.isEmpty() ? Double.NaN : sorted.get(index)));
        }
        node.put("max", sorted.isEmpty() ? Double.NaN : round(sorted.get(sorted.size() - 1)));
        return node;
    }

    /**
     * The server's {@code http_server_requests_seconds} histogram of one route, or summed over routes:
     * cumulative counts per bucket bound, from {@code /prometheus}.
     */
    record ServerHistogram(TreeMap<Double, Double> buckets, double sumSeconds) {
        private static final Pattern URI_LABEL = Pattern.compile("uri=\"([^\"]*)\"");
        private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

        /** The server's request latency per route template, every route but the scrape itself. */
        static Map<String, ServerHistogram> scrape(int port) throws Exception {
            return scrape(port, "http_server_requests_seconds");
        }

        /** The histogram {@code metric} (in seconds) of the server, per {@code uri} label where it has one, else as "all". */
        static Map<String, ServerHistogram> scrape(int port, String metric) throws Exception {
            Pattern lines = Pattern.compile("^" + metric + "_(bucket|sum)(?:\\{(.*)})? (\\S+)$"); // a sum without labels has no braces
            HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/prometheus")).build(), HttpResponse.BodyHandlers.ofLines());
            Map<String, ServerHistogram> routes = new TreeMap<>();
            for (String line : (Iterable<String>) response.body()::iterator) {
                Matcher sample = lines.matcher(line);
                Matcher uri = URI_LABEL.matcher(line);
                String route = uri.find() ? uri.group(1) : "all";
                if (!sample.matches() || route.equals("/prometheus")) {
                    continue;
                }
                ServerHistogram histogram = routes.computeIfAbsent(route, u -> new ServerHistogram(new TreeMap<>(), 0));
                double value = Double.parseDouble(sample.group(3));
                if (sample.group(1).equals("sum")) {
                    routes.put(route, new ServerHistogram(histogram.buckets(), histogram.sumSeconds() + value));
                } else {
                    Matcher le = LE.matcher(sample.group(2));
                    if (le.find()) {
                        histogram.buckets().merge(le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY
                                : Double.parseDouble(le.group(1)), value, Double::sum);
                    }
                }
            }
            return routes;
        }

        /** What {@code later} counted that {@code earlier} had not, per route, and summed over routes (key "all"). */
        static Map<String, ServerHistogram> between(Map<String, ServerHistogram> earlier, Map<String, ServerHistogram> later) {
            Map<String, ServerHistogram> delta = new TreeMap<>();
            TreeMap<Double, Double> all = new TreeMap<>();
            double allSeconds = 0;
            for (Map.Entry<String, ServerHistogram> route : later.entrySet()) {
                ServerHistogram before = earlier.getOrDefault(route.getKey(), new ServerHistogram(new TreeMap<>(), 0));
                TreeMap<Double, Double> buckets = new TreeMap<>();
                route.getValue().buckets().forEach((le, n) -> buckets.put(le, n - before.buckets().getOrDefault(le, 0.0)));
                ServerHistogram change = new ServerHistogram(buckets, route.getValue().sumSeconds() - before.sumSeconds());
                if (change.count() > 0) {
                    delta.put(route.getKey(), change);
                    buckets.forEach((le, n) -> all.merge(le, n, Double::sum));
                    allSeconds += change.sumSeconds();
                }
            }
            delta.put("all", new ServerHistogram(all, allSeconds));
            return delta;
        }

        long count() {
            return buckets.isEmpty() ? 0 : Math.round(buckets.lastEntry().getValue());
        }

        /** The two histograms' counts together (two instances' of one metric). */
        ServerHistogram plus(ServerHistogram other) {
            TreeMap<Double, Double> sum = new TreeMap<>(buckets);
            other.buckets().forEach((le, n) -> sum.merge(le, n, Double::sum));
            return new ServerHistogram(sum, sumSeconds + other.sumSeconds());
        }

        /** Linear within the bucket that holds the quantile, as Prometheus' histogram_quantile does. */
        double quantileSeconds(double q) {
            double target = q * count();
            double lowerBound = 0;
            double below = 0;
            for (Map.Entry<Double, Double> bucket : buckets.entrySet()) {
                if (bucket.getValue() >= target) {
                    if (bucket.getKey().isInfinite()) {
                        return lowerBound;
                    }
                    double inBucket = bucket.getValue() - below;
                    return lowerBound + (bucket.getKey() - lowerBound) * (inBucket == 0 ? 1 : (target - below) / inBucket);
                }
                lowerBound = bucket.getKey();
                below = bucket.getValue();
            }
            return Double.NaN;
        }

        ObjectNode figures() {
            ObjectNode node = JSON.createObjectNode();
            node.put("count", count());
            node.put("mean", round(sumSeconds / Math.max(1, count()) * 1000));
            for (double q : new double[] {0.5, 0.95, 0.99}) {
                node.put("p" + Math.round(q * 100), round(quantileSeconds(q) * 1000));
            }
            return node;
        }

        void print(String name) {
            System.out.printf("  %-40s %8d %8.2f %8.2f %8.2f   (mean %.2f)%n", name, count(), quantileSeconds(0.5) * 1000,
                    quantileSeconds(0.95) * 1000, quantileSeconds(0.99) * 1000, sumSeconds / Math.max(1, count()) * 1000);
        }
    }

    /**
     * Each series panel's SQL, as the engine builds it for ten draws of its metric and region, run by
     * {@code pgbench} in the server's tenant transaction with one client for {@code seconds}.
     */
    private static ObjectNode pgbench(String jdbcUrl, int seconds) throws Exception {
        ObjectNode floor = JSON.createObjectNode();
        Path dir = Files.createTempDirectory("api-load-pgbench");
        Matcher url = Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/([^?]+).*").matcher(jdbcUrl);
        if (!url.matches()) {
            throw new IllegalArgumentException("expected jdbc:postgresql://host:port/database, got " + jdbcUrl);
        }
        System.out.printf("%npgbench, one client, %d s per shape: each series panel's SQL in the tenant transaction (ms)%n", seconds);
        System.out.printf("  %-40s %8s %8s %8s %8s %8s%n", "shape", "tx/s", "p50", "p95", "p99", "max");
        SplittableRandom random = new SplittableRandom(7);
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
            int shape = 0;
            for (DashboardMix.Panel panel : DashboardMix.PANELS) {
                List<String> command = new ArrayList<>(List.of("pgbench", "-n", "-h", url.group(1), "-p", url.group(2),
                        "-U", "postgres", "-c", "1", "-T", "" + seconds, "-l", "--log-prefix", dir.resolve("shape" + shape).toString()));
                for (int draw = 0; draw < 10; draw++) {
                    DashboardMix.Call call = panel.call().make(random, Instant.now());
                    if (call.query() == null) {
                        break;
                    }
                    try (PreparedStatement statement = QueryEngine.prepare(connection, BenchHistory.TENANT, call.query(),
                            call.query().step())) {
                        Path script = dir.resolve("shape" + shape + "-" + draw + ".sql");
                        Files.writeString(script, "BEGIN;\nSELECT set_config('pulse.tenant', '" + BenchHistory.TENANT
                                + "', true), set_config('role', 'pulse_tenant', true);\n" + statement + ";\nEND;\n");
                        command.addAll(List.of("-f", script + "@1"));
                    }
                }
                if (!command.contains("-f")) {
                    continue;
                }
                command.add(url.group(3));
                Process pgbench = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("shape" + shape + ".out").toFile()).start();
                if (pgbench.waitFor(seconds + 60L, TimeUnit.SECONDS) && pgbench.exitValue() != 0) {
                    throw new IllegalStateException("pgbench failed: " + Files.readString(dir.resolve("shape" + shape + ".out")));
                }
                List<Double> latency = new ArrayList<>();
                String prefix = "shape" + shape + ".";
                try (Stream<Path> logs = Files.list(dir)) {
                    for (Path log : logs.filter(p -> p.getFileName().toString().startsWith(prefix)
                            && !p.toString().endsWith(".out")).toList()) {
                        // a transaction per line: client, transaction, latency in µs, script, epoch s, µs
                        Files.readAllLines(log).forEach(l -> latency.add(Long.parseLong(l.split(" ")[2]) / 1000.0));
                    }
                }
                ObjectNode node = percentiles(latency);
                node.put("transactionsPerSecond", round(latency.size() / (double) seconds));
                floor.set(panel.name(), node);
                System.out.printf("  %-40s %8.1f", panel.name(), latency.size() / (double) seconds);
                printPercentiles(node);
                shape++;
            }
        }
        return floor;
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
