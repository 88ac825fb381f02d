package io.pulse.serving.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.pulse.serving.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What container health checks and load balancers ask: /health, without credentials, without details. */
class HealthIT {

    @Test
    void healthAnswersUpAnonymouslyWithoutDetailsAndNoOtherManagementEndpointIsOpen() {
        try (TestServer server = TestServer.start("pulse_health", Map.of())) {
            HttpResponse<String> health = server.http().toBlocking().exchange(HttpRequest.GET("/health"), String.class);
            assertThat(health.code()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"", "\"details\":null"); // which parts are up stays private
            for (String endpoint : new String[] {"/info", "/routes", "/env", "/beans", "/loggers"}) {
                try {
                    server.http().toBlocking().exchange(HttpRequest.GET(endpoint).bearerAuth(
                            server.token("alice", "acme", "admin")), String.class);
                    throw new AssertionError(endpoint + " answered");
                } catch (HttpClientResponseException e) {
                    assertThat(e.getStatus().getCode()).as(endpoint).isEqualTo(404);
                }
            }
        }
    }
}
