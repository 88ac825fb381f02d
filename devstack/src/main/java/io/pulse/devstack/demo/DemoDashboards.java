package io.pulse.devstack.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pulse.devstack.traffic.DemoTraffic;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The demo dashboard of each demo tenant, so that the dashboard opens on charts of the demo traffic. It is
 * made through serving-api's own REST API with a token of the tenant's editor, as a user would make it, and
 * only when the tenant has no dashboard of that name yet: the data folder, and so the dashboard, outlives
 * restarts.
 */
public final class DemoDashboards {

    public static final String NAME = "Demo: shop overview";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI api;
    private final Function<String, String> editorTokens;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /**
     * @param apiUrl       the serving API
     * @param editorTokens a bearer token of an editor of the given tenant
     */
    public DemoDashboards(String apiUrl, Function<String, String> editorTokens) {
        this.api = URI.create(apiUrl.endsWith("/") ? apiUrl : apiUrl + "/");
        this.editorTokens = editorTokens;
    }

    /** Makes the demo dashboard of each tenant that has none; returns the tenants it was made for. */
    public List<String> provision(List<String> tenants) throws IOException, InterruptedException {
        List<String> made = new ArrayList<>();
        for (String tenant : tenants) {
            String token = editorTokens.apply(tenant);
            if (!exists(token)) {
                send(token, HttpRequest.newBuilder(api.resolve("v2/dashboards")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body()))), 201);
                made.add(tenant);
            }
        }
        return made;
    }

    /** Whether the token's tenant has a dashboard named {@link #NAME}, looked up page by page. */
    private boolean exists(String token) throws IOException, InterruptedException {
        String cursor = null;
        do {
            String query = cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8);
            JsonNode page = send(token, HttpRequest.newBuilder(api.resolve("v2/dashboards?limit=200" + query)).GET(), 200);
            for (JsonNode dashboard : page.get("items")) {
                if (NAME.equals(dashboard.get("name").asText())) {
                    return true;
                }
            }
            cursor = page.path("nextCursor").textValue();
        } while (cursor != null);
        return false;
    }

    private JsonNode send(String token, HttpRequest.Builder request, int expected) throws IOException, InterruptedException {
        HttpRequest sent = request.header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build();
        HttpResponse<String> response = http.send(sent, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(sent.method() + " " + sent.uri().getPath() + " answered "
                    + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /**
     * The dashboard, in the shape of docs/api.md: the last quarter of an hour, refreshed every 10 s as the
     * demo traffic moves it, of checkout latency and page views, the correlation of every demo metric, and
     * the API's requests by hour of day and weekday (a longer range in the dashboard fills more cells).
     */
    static Map<String, Object> body() {
        return Map.of("name", NAME, "defaultRange", "PT15M", "refreshSeconds", 10, "widgets", List.of(
                widget("line", "Checkout latency p95 by region",
                        Map.of("metric", "checkout.latency_ms", "aggregate", "p95", "groupBy", "region"), 0, 0, 8, 4),
                widget("bar", "Page views by device",
                        Map.of("metric", "page.views", "aggregate", "count", "groupBy", "device", "limit", "5"), 8, 0, 4, 4),
                widget("heatmap", "Correlation of the shop's metrics", Map.of("view", "correlation",
                        "metrics", String.join(",", DemoTraffic.metricNames()), "aggregate", "count"),
                        0, 4, 6, 5),
                // its own span: hours of a week fill the matrix, the dashboard's 15 minutes would not
                widget("heatmap", "API requests by hour and weekday (UTC)", Map.of("view", "hour-by-weekday",
                        "metric", "api.requests", "aggregate", "count", "range", "7d"), 6, 4, 6, 5)));
    }

    private static Map<String, Object> widget(String type, String title, Map<String, String> query, int x, int y, int w, int h) {
        return Map.of("type", type, "title", title, "query", query, "x", x, "y", y, "w", w, "h", h);
    }
}
