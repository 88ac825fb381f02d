package io.pulse.serving.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.schema.Migrations;
import io.pulse.contracts.testing.IdentityProvider;
import io.pulse.contracts.testing.TestServices;
import io.pulse.serving.testing.RollupRows;
import io.pulse.serving.testing.ServingProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HeatmapsAndCatalogIT {

    private static final Argument<Map<String, Object>> JSON = Argument.mapOf(String.class, Object.class);
    /** A Monday, 00:00 UTC. */
    private static final Instant MONDAY = Instant.parse("2026-11-23T00:00:00Z");
    private static final TestServices.Postgres POSTGRES = TestServices.postgres();
    private static String url;
    private static ApplicationContext context;

    @BeforeAll
    static void seed() throws Exception {
        url = POSTGRES.createDatabase("pulse_heatmaps");
        Migrations.apply(url, POSTGRES.user(), POSTGRES.password());
        RollupRows rows = new RollupRows(url, POSTGRES.user(), POSTGRES.password());
        for (int hour = 0; hour < 48; hour++) {
            Instant bucket = MONDAY.plus(Duration.ofHours(hour));
            // requests rise with the hour; errors follow them exactly; latency falls as they rise
            double requests = 10 + hour;
            rows.write(Granularity.ONE_HOUR, "acme", "requests", Map.of("region", hour % 3 == 0 ? "us" : "eu"),
                    bucket, filled((int) requests, 1), 5);
            rows.write(Granularity.ONE_HOUR, "acme", "errors", Map.of("region", "eu"), bucket,
                    filled((int) requests * 2, 1), 5);
            rows.write(Granularity.ONE_HOUR, "acme", "latency", Map.of(), bucket, filled(3, 1000.0 - hour * 10), 5);
        }
        rows.write(Granularity.ONE_HOUR, "globex", "secret", Map.of("region", "eu"), MONDAY, filled(1, 1), 1);
        context = ApplicationContext.run(ServingProperties.forDatabase(url, Map.of()));
    }

    @AfterAll
    static void close() {
        context.close();
        POSTGRES.dropDatabase(url);
    }

    private static double[] filled(int n, double value) {
        double[] values = new double[n];
        java.util.Arrays.fill(values, value);
        return values;
    }

    @Test
    void correlatesMetricsOverAlignedBuckets() {
        Heatmaps.Correlation correlation = context.getBean(Heatmaps.class).correlation("acme",
                List.of("requests", "errors", "latency"), MONDAY, MONDAY.plus(Duration.ofDays(2)), Aggregate.COUNT);
        assertThat(correlation.step()).isEqualTo("1h");
        assertThat(correlation.values()[0][0]).isCloseTo(1.0, within(1e-9));
        assertThat(correlation.values()[0][1]).isCloseTo(1.0, within(1e-9));
        // latency counts are constant (3 per hour): no correlation can be computed
        assertThat(correlation.values()[0][2]).isNaN();
        Heatmaps.Correlation byValue = context.getBean(Heatmaps.class).correlation("acme",
                List.of("requests", "latency"), MONDAY, MONDAY.plus(Duration.ofDays(2)), Aggregate.MEAN);
        assertThat(byValue.values()[0][1]).isNaN(); // requests' mean is constant 1
        Heatmaps.Correlation countVsMean = context.getBean(Heatmaps.class).correlation("acme",
                List.of("errors", "latency"), MONDAY, MONDAY.plus(Duration.ofDays(2)), Aggregate.SUM);
        assertThat(countVsMean.values()[0][1]).isCloseTo(-1.0, within(1e-9));
        assertThatThrownBy(() -> context.getBean(Heatmaps.class).correlation("acme", List.of("requests"), MONDAY,
                MONDAY.plusSeconds(3600), Aggregate.COUNT)).isInstanceOf(QueryException.class);
    }

    @Test
    void foldsHoursIntoAnHourOfDayByWeekdayMatrix() {
        Heatmaps.HourByWeekday matrix = context.getBean(Heatmaps.class).hourByWeekday("acme", "requests", MONDAY,
                MONDAY.plus(Duration.ofDays(7)), Aggregate.COUNT);
        assertThat(matrix.values()).hasDimensions(7, 24);
        assertThat(matrix.values()[0][0]).isEqualTo(10);  // Monday 00:00
        assertThat(matrix.values()[1][5]).isEqualTo(10 + 29); // Tuesday 05:00
        assertThat(matrix.values()[2][0]).isNaN(); // nothing on Wednesday
        assertThatThrownBy(() -> context.getBean(Heatmaps.class).hourByWeekday("acme", "requests", MONDAY,
                MONDAY.plus(Duration.ofDays(500)), Aggregate.COUNT)).isInstanceOf(QueryException.class);
    }

    @Test
    void countsTheMinutesOfRecentHoursWhoseHourlyRowIsNotWrittenYet() throws Exception {
        RollupRows rows = new RollupRows(url, POSTGRES.user(), POSTGRES.password());
        Instant sunday22 = MONDAY.plus(Duration.ofDays(6)).plus(Duration.ofHours(22));
        rows.write(Granularity.ONE_HOUR, "acme", "recent", Map.of(), sunday22, filled(5, 1), 1);
        // minutes of the written hour are in its row already; those of the next hour have no row yet
        rows.write(Granularity.ONE_MINUTE, "acme", "recent", Map.of(), sunday22.plusSeconds(60), filled(5, 1), 1);
        for (int minute = 0; minute < 3; minute++) {
            rows.write(Granularity.ONE_MINUTE, "acme", "recent", Map.of(), sunday22.plus(Duration.ofMinutes(60 + minute)),
                    filled(2, 1), 1);
        }
        Heatmaps.HourByWeekday matrix = context.getBean(Heatmaps.class).hourByWeekday("acme", "recent", MONDAY,
                MONDAY.plus(Duration.ofDays(7)), Aggregate.COUNT);
        assertThat(matrix.values()[6][22]).isEqualTo(5);
        assertThat(matrix.values()[6][23]).isEqualTo(6);
    }

    @Test
    void listsATenantsMetricsWithTheirMostFrequentDimensionValues() {
        List<MetricCatalog.Metric> metrics = context.getBean(MetricCatalog.class).metrics("acme", MONDAY, 1);
        assertThat(metrics).extracting(MetricCatalog.Metric::name).containsExactly("errors", "latency", "requests");
        MetricCatalog.Metric requests = metrics.get(2);
        assertThat(requests.events()).isEqualTo(48 * 10 + (47 * 48) / 2);
        assertThat(requests.dimensions().get("region")).singleElement()
                .satisfies(top -> assertThat(top.value()).isEqualTo("eu"));
        assertThat(metrics.get(1).dimensions()).isEmpty();
        assertThat(context.getBean(MetricCatalog.class).metrics("globex", MONDAY, 5))
                .extracting(MetricCatalog.Metric::name).containsExactly("secret");
    }

    @Test
    void servesBothMatricesOverHttpForTheCallersTenant() {
        try (EmbeddedServer server = ApplicationContext.run(
                EmbeddedServer.class, ServingProperties.forDatabase(url, Map.of()));
             HttpClient client = server.getApplicationContext().createBean(
                     HttpClient.class, server.getURL())) {
            String token = IdentityProvider.shared().token("alice", "acme", "admin");
            String range = "from=2026-11-23T00:00:00Z&to=2026-11-25T00:00:00Z";
            Map<String, Object> correlation = client.toBlocking().retrieve(io.micronaut.http.HttpRequest
                    .GET("/v2/heatmaps/correlation?metrics=requests,errors,latency&aggregate=count&" + range)
                    .bearerAuth(token), JSON);
            assertThat(correlation).containsEntry("rows", List.of("requests", "errors", "latency"));
            List<List<Object>> values = (List<List<Object>>) correlation.get("values");
            assertThat(((Number) values.get(0).get(1)).doubleValue()).isCloseTo(1.0, within(1e-9));
            assertThat(values.get(0).get(2)).isNull();

            Map<String, Object> weekday = client.toBlocking().retrieve(io.micronaut.http.HttpRequest
                    .GET("/v1/heatmaps/hour-by-weekday/requests?" + range).bearerAuth(token),
                    JSON);
            assertThat((List<?>) weekday.get("rows")).hasSize(7);
            assertThat(((List<List<Object>>) weekday.get("values")).get(0).get(0)).isEqualTo(10.0);

            String globex = IdentityProvider.shared().token("bob", "globex", "admin");
            Map<String, Object> none = client.toBlocking().retrieve(io.micronaut.http.HttpRequest
                    .GET("/v1/heatmaps/hour-by-weekday/requests?" + range).bearerAuth(globex),
                    JSON);
            assertThat((List<List<Object>>) none.get("values")).allSatisfy(row -> assertThat(row).containsOnlyNulls());
        }
    }

    @Test
    void exportsBothMatricesAsCsvToCallersWhoMayExport() {
        try (EmbeddedServer server = ApplicationContext.run(
                EmbeddedServer.class, ServingProperties.forDatabase(url, Map.of()));
             HttpClient client = server.getApplicationContext().createBean(
                     HttpClient.class, server.getURL())) {
            String range = "from=2026-11-23T00:00:00Z&to=2026-11-25T00:00:00Z";
            String analyst = IdentityProvider.shared().token("carol", "acme", "analyst");
            String weekday = client.toBlocking().retrieve(io.micronaut.http.HttpRequest
                    .GET("/v2/heatmaps/hour-by-weekday/requests?format=csv&" + range).bearerAuth(analyst));
            List<String> lines = List.of(weekday.split("\r\n"));
            assertThat(lines).hasSize(8);
            assertThat(lines.get(0)).startsWith("weekday,00,01,02,").endsWith(",23");
            assertThat(lines.get(1)).startsWith("mon,10,11,12,");
            assertThat(lines.get(3)).isEqualTo("wed" + ",".repeat(24)); // no events: empty cells, not zeros

            String correlation = client.toBlocking().retrieve(io.micronaut.http.HttpRequest
                    .GET("/v2/heatmaps/correlation?metrics=requests,latency&" + range)
                    .accept("text/csv").bearerAuth(analyst));
            assertThat(correlation).isEqualTo("metric,requests,latency\r\nrequests,1,\r\nlatency,,\r\n");

            String viewer = IdentityProvider.shared().token("dave", "acme", "viewer");
            assertThatThrownBy(() -> client.toBlocking().retrieve(io.micronaut.http.HttpRequest
                    .GET("/v2/heatmaps/correlation?format=csv&metrics=requests,errors&" + range).bearerAuth(viewer)))
                    .isInstanceOfSatisfying(io.micronaut.http.client.exceptions.HttpClientResponseException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(403));
        }
    }
}
