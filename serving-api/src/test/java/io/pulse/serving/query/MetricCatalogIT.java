package io.pulse.serving.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The metric catalog on a database whose default collation is ICU's en-US (as common PostgreSQL images
 * have en_US.UTF-8): cursor pages use one ordering, and a metric shows before its first hour has closed.
 */
class MetricCatalogIT {

    private static final Argument<Map<String, Object>> JSON = Argument.mapOf(String.class, Object.class);
    /** Sorted differently by en-US (which ignores punctuation at first) and byte-wise. */
    private static final List<String> NAMES = List.of("checkout2", "checkout_count", "checkout-errors",
            "checkout.latency", "checkouts");
    private static final TestServices.Postgres POSTGRES = TestServices.postgres();
    private static String url;
    private static EmbeddedServer server;
    private static HttpClient client;
    private static String token;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(icuAvailable(), "this PostgreSQL has no ICU collations: the collation test is skipped");
        url = POSTGRES.createDatabase("pulse_catalog",
                "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'");
        Migrations.apply(url, POSTGRES.user(), POSTGRES.password());
        RollupRows rows = new RollupRows(url, POSTGRES.user(), POSTGRES.password());
        Instant lastHour = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(2, ChronoUnit.HOURS);
        for (String name : NAMES) {
            rows.write(Granularity.ONE_HOUR, "acme", name, Map.of("region", "eu"), lastHour, new double[] {1}, 1);
        }
        // written a minute ago: the hour it is in has no hourly row yet
        Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(1, ChronoUnit.MINUTES);
        rows.write(Granularity.ONE_MINUTE, "acme", "signups", Map.of("plan", "pro"), minute, new double[] {1, 2}, 2);
        server = ApplicationContext.run(EmbeddedServer.class, ServingProperties.forDatabase(url, Map.of()));
        client = server.getApplicationContext().createBean(HttpClient.class, server.getURL());
        token = IdentityProvider.shared().token("alice", "acme", "viewer");
    }

    private static boolean icuAvailable() throws Exception {
        try (Connection connection = DriverManager.getConnection(POSTGRES.adminUrl(), POSTGRES.user(), POSTGRES.password());
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_collation WHERE collname = 'en-US-x-icu'")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            client.close();
            server.close();
            POSTGRES.dropDatabase(url);
        }
    }

    private static Map<String, Object> get(String path) {
        return client.toBlocking().retrieve(HttpRequest.GET(path).bearerAuth(token), JSON);
    }

    /** Issue 10, fault 3: pages of two, cut by a byte-wise cursor over an en-US ordered list, skipped names. */
    @Test
    @SuppressWarnings("unchecked")
    void cursorPagesListEveryNameOnceInOneOrder() {
        List<String> listed = new ArrayList<>();
        String cursor = null;
        do {
            Map<String, Object> page = get("/v2/metrics?limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
            ((List<Map<String, Object>>) page.get("items")).forEach(item -> listed.add((String) item.get("name")));
            cursor = (String) page.get("nextCursor");
        } while (cursor != null);
        List<String> expected = new ArrayList<>(NAMES);
        expected.add("signups");
        expected.sort(String::compareTo);
        assertThat(listed).containsExactlyElementsOf(expected);
    }

    /** Issue 10, fault 4: a new metric was missing until its hour closed. */
    @Test
    @SuppressWarnings("unchecked")
    void aMetricShowsOnceItsFirstMinuteIsWritten() {
        List<Map<String, Object>> items = (List<Map<String, Object>>) get("/v1/metrics").get("metrics");
        assertThat(items).filteredOn(m -> m.get("name").equals("signups")).singleElement().satisfies(m -> {
            assertThat(m).containsEntry("events", 2);
            assertThat((Map<String, Object>) m.get("dimensions")).containsKey("plan");
        });
    }
}
