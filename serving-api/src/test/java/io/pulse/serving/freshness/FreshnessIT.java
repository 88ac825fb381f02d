package io.pulse.serving.freshness;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.pulse.contracts.testing.TestServices;
import io.pulse.serving.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The freshness the rollup job keeps per tenant, as a tenant reads it: its own and nobody else's. */
class FreshnessIT {

    private static final Argument<Map<String, Object>> JSON = Argument.mapOf(String.class, Object.class);
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("pulse_freshness", Map.of());
        TestServices.Postgres postgres = TestServices.postgres();
        // what the job writes: globex has events and corrections, acme only events
        try (Connection connection = DriverManager.getConnection(server.url(), postgres.user(), postgres.password());
             Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO tenant_event_time (tenant, event_time) VALUES"
                    + " ('acme', now() - interval '90 seconds'), ('globex', now() - interval '5 seconds')");
            statement.execute("INSERT INTO tenant_corrections (tenant, late_events, corrected_rows, last_correction_at)"
                    + " VALUES ('globex', 12, 400, now() - interval '1 minute')");
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Map<String, Object> get(String tenant) {
        return server.http().toBlocking().retrieve(
                HttpRequest.GET("/v2/freshness").bearerAuth(server.token("u", tenant, "viewer")), JSON);
    }

    @Test
    void eachTenantReadsItsOwnEventTimeLagAndCorrections() {
        Map<String, Object> acme = get("acme");
        assertThat(acme).containsEntry("tenant", "acme").containsEntry("lateEvents", 0).containsEntry("correctedRows", 0);
        assertThat(((Number) acme.get("lagMillis")).longValue()).isBetween(90_000L, 120_000L);
        assertThat(acme.get("lastCorrectionAt")).isNull();

        Map<String, Object> globex = get("globex");
        assertThat(globex).containsEntry("lateEvents", 12).containsEntry("correctedRows", 400);
        assertThat(((Number) globex.get("lagMillis")).longValue()).isBetween(5_000L, 35_000L);
        assertThat(globex.get("lastCorrectionAt")).isNotNull();
    }

    @Test
    void aTenantWithoutEventsYetHasNoEventTime() {
        Map<String, Object> initech = get("initech");
        assertThat(initech).containsEntry("tenant", "initech").containsEntry("lateEvents", 0);
        assertThat(initech.get("eventTime")).isNull();
        assertThat(initech.get("lagMillis")).isNull();
    }
}
