package io.pulse.serving.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.pulse.contracts.testing.TestServices;
import io.pulse.serving.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Per-IP limits behind an ingress: the client address comes from X-Forwarded-For only when the peer is a
 * trusted proxy, and then it is the nearest untrusted hop, so a client cannot pick its own address.
 */
class ClientAddressIT {

    private static TestServer behindIngress;
    private static TestServer direct;
    private static String token;

    @BeforeAll
    static void start() {
        Map<String, Object> limits = Map.of("pulse.rate-limit.query-per-ip", 3, "pulse.rate-limit.query-per-caller", 1000);
        Map<String, Object> trusting = new java.util.HashMap<>(limits);
        trusting.put("pulse.ingress.trusted-proxies", "127.0.0.1/32,10.0.0.0/8");
        trusting.put("pulse.redis.namespace", TestServices.uniqueName("ingress"));
        behindIngress = TestServer.start("pulse_ingress", trusting);
        Map<String, Object> plain = new java.util.HashMap<>(limits);
        plain.put("pulse.redis.namespace", TestServices.uniqueName("direct"));
        direct = TestServer.start("pulse_direct", plain);
        token = behindIngress.token("alice", "acme", "viewer");
    }

    @AfterAll
    static void stop() {
        behindIngress.close();
        direct.close();
    }

    private static int status(TestServer server, String forwardedFor) {
        try {
            return server.http().toBlocking().exchange(HttpRequest.GET("/v2/dashboards").bearerAuth(token)
                    .header("X-Forwarded-For", forwardedFor), String.class).code();
        } catch (HttpClientResponseException e) {
            return e.getStatus().getCode();
        }
    }

    @Test
    void behindATrustedIngressEachClientAddressHasItsOwnBucket() {
        for (int i = 0; i < 3; i++) {
            assertThat(status(behindIngress, "203.0.113.7")).isEqualTo(200);
        }
        assertThat(status(behindIngress, "203.0.113.7")).isEqualTo(429);
        assertThat(status(behindIngress, "203.0.113.7, 10.1.2.3")).as("through a second trusted proxy").isEqualTo(429);
        assertThat(status(behindIngress, "198.51.100.1, 203.0.113.7")).as("a prepended address is not believed")
                .isEqualTo(429);
        assertThat(status(behindIngress, "203.0.113.8")).as("another client behind the ingress").isEqualTo(200);
    }

    @Test
    void fromAnUntrustedPeerTheHeaderIsIgnored() {
        for (int i = 0; i < 3; i++) {
            assertThat(status(direct, "203.0.113." + i)).isEqualTo(200);
        }
        assertThat(status(direct, "203.0.113.99")).as("same peer, whatever the header says").isEqualTo(429);
    }
}
