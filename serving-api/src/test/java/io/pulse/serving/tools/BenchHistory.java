package io.pulse.serving.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The seeded history the query benchmarks run over: tenant {@code bench}, {@link #METRICS} metrics with
 * 100 series each (5 regions x 20 services), 1,000 series in all.
 */
final class BenchHistory {

    static final String TENANT = "bench";
    static final List<String> METRICS = List.of("checkout.latency_ms", "api.latency_ms", "search.latency_ms",
            "login.latency_ms", "cart.latency_ms", "payment.latency_ms", "render.latency_ms", "db.latency_ms",
            "cache.latency_ms", "queue.latency_ms");
    static final List<String> REGIONS = List.of("eu", "us", "ap", "sa", "af");
    static final int SERVICES = 20;

    private BenchHistory() {
    }

    static String service(int index) {
        return String.format("svc-%02d", index);
    }

    /** Every series' dimensions, in a fixed order. */
    static List<Map<String, String>> series() {
        List<Map<String, String>> series = new ArrayList<>();
        for (String region : REGIONS) {
            for (int s = 0; s < SERVICES; s++) {
                series.add(Map.of("region", region, "service", service(s)));
            }
        }
        return series;
    }
}
