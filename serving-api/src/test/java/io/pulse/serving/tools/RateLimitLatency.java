package io.pulse.serving.tools;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.pulse.contracts.testing.Machine;
import io.pulse.contracts.testing.TestServices;
import io.pulse.serving.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Map;

/**
 * What the rate limiter adds to a request: the same authenticated read ({@code GET /v2/dashboards}, one
 * connection, one request at a time) against a server with the limiter off and one with it on, and the
 * Redis commands each request cost (from {@code INFO stats}). Prints p50/p90/p99 in ms per setting.
 * Options: {@code --requests} (5000), {@code --per-minute} (600000, the caller and address limits).
 */
public final class RateLimitLatency {

    private RateLimitLatency() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.parse(args);
        int requests = Integer.parseInt(options.getOrDefault("requests", "5000"));
        long perMinute = Long.parseLong(options.getOrDefault("per-minute", "600000"));
        System.out.println("machine: " + Machine.describe());
        System.out.printf("%d sequential requests per setting after %d warm-up; limits %d a minute per caller and per address%n",
                requests, requests / 2, perMinute);
        System.out.printf("%-12s %8s %8s %8s %16s%n", "limiter", "p50 ms", "p90 ms", "p99 ms", "redis cmds/req");
        double[] off = measure(false, perMinute, requests);
        double[] on = measure(true, perMinute, requests);
        System.out.printf("added by the limiter at p50: %.3f ms%n", on[0] - off[0]);
        System.exit(0); // the servers' client threads would keep the JVM up
    }

    private static double[] measure(boolean limited, long perMinute, int requests) throws Exception {
        try (TestServer server = TestServer.start("pulse_rate_latency", Map.of("pulse.rate-limit.enabled", limited,
                "pulse.rate-limit.query-per-caller", perMinute, "pulse.rate-limit.query-per-ip", perMinute));
             RedisClient redis = RedisClient.create(TestServices.redisUri());
             StatefulRedisConnection<String, String> stats = redis.connect()) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest read = HttpRequest.newBuilder(URI.create(server.server().getURL() + "/v2/dashboards"))
                    .header("Authorization", "Bearer " + server.token("bench", "acme", "viewer")).build();
            time(client, read, requests / 2);
            long commandsBefore = commands(stats);
            double[] millis = time(client, read, requests);
            double perRequest = (commands(stats) - commandsBefore - 1) / (double) requests;
            Arrays.sort(millis);
            double[] percentiles = {at(millis, 0.50), at(millis, 0.90), at(millis, 0.99)};
            System.out.printf("%-12s %8.3f %8.3f %8.3f %16.2f%n", limited ? "on" : "off", percentiles[0], percentiles[1],
                    percentiles[2], perRequest);
            return percentiles;
        }
    }

    private static double[] time(HttpClient client, HttpRequest request, int count) throws Exception {
        double[] millis = new double[count];
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
            millis[i] = (System.nanoTime() - start) / 1e6;
            if (response.statusCode() != 200) {
                throw new IllegalStateException("answer " + response.statusCode() + " at request " + i);
            }
        }
        return millis;
    }

    /** Commands the Redis server has processed so far, all clients together. */
    private static long commands(StatefulRedisConnection<String, String> stats) {
        for (String line : stats.sync().info("stats").split("\r?\n")) {
            if (line.startsWith("total_commands_processed:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        throw new IllegalStateException("no total_commands_processed in INFO stats");
    }

    private static double at(double[] sorted, double quantile) {
        return sorted[(int) Math.min(sorted.length - 1, Math.round(quantile * (sorted.length - 1)))];
    }
}
