package io.pulse.serving.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.serving.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Status codes that say what went wrong, for an authenticated caller as for anyone: an unknown path is
 * 404, a known path with the wrong method 405, a body of the wrong type 415, and every error has the
 * error body of its API version.
 */
class StatusCodesIT {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static TestServer server;
    private static String admin;

    @BeforeAll
    static void start() {
        server = TestServer.start("pulse_status_codes", Map.of());
        admin = server.token("alice", "acme", "admin");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return CLIENT.send(request.header("Authorization", "Bearer " + admin).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder at(String path) {
        return HttpRequest.newBuilder(URI.create(server.server().getURL() + path));
    }

    private static void assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.uri().toString()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("\"status\":" + status);
    }

    private static void assertV1Error(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.uri().toString()).isEqualTo(status);
        assertThat(response.body()).startsWith("{\"error\":").contains("\"status\":" + status);
    }

    @Test
    void anUnknownPathIsNotFoundEvenForAnAuthenticatedCaller() throws Exception {
        assertProblem(send(at("/v2/nope").GET()), 404);
        assertV1Error(send(at("/v1/nope").GET()), 404);
    }

    @Test
    void aKnownPathWithAnotherMethodIsMethodNotAllowed() throws Exception {
        assertProblem(send(at("/v2/metrics").DELETE()), 405);
    }

    @Test
    void aBodyOfTheWrongTypeIsUnsupportedMediaType() throws Exception {
        for (String type : new String[] {"text/plain", "application/xml"}) {
            assertV1Error(send(at("/v1/events").header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"metric\":\"m\",\"value\":1}"))), 415);
        }
    }

    @Test
    void aBearerRequestFromAForeignOriginIsAnsweredAsAnyOther() throws Exception {
        HttpResponse<String> response = send(at("/v2/dashboards").header("Origin", "https://elsewhere.example").GET());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
}
