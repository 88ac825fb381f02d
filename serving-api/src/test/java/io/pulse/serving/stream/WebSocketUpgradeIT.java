package io.pulse.serving.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.pulse.serving.apikeys.ApiKeyAuthenticationFetcher;
import io.pulse.serving.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A client may send its first frame the moment the handshake answer arrives, even when the upgrade's
 * authentication finished off the event loop (an API key is looked up on the blocking pool; a cold JWKS is
 * fetched over HTTP): no frame is lost.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebSocketUpgradeIT {

    private static final int CONNECTIONS = 300;
    private static TestServer server;

    @BeforeAll
    static void start() {
        // a server of its own: its JWKS cache starts cold
        server = TestServer.start("pulse_ws_upgrade", Map.of("pulse.rate-limit.websocket-per-caller", 10_000,
                "pulse.rate-limit.websocket-per-ip", 10_000));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    @Order(1)
    void framesSentRightAfterUpgradesCheckedAgainstAColdJwksAllArrive() throws Exception {
        // the first bearer tokens this server sees: its JWKS cache is cold, so they are checked asynchronously
        assertEveryFirstFrameArrives("Authorization", "Bearer " + server.token("bob", "acme", "viewer"));
    }

    @Test
    @Order(2)
    void framesSentRightAfterUpgradesByApiKeyAllArrive() throws Exception {
        String key = (String) server.http().toBlocking().retrieve(HttpRequest.POST("/v2/api-keys",
                        Map.of("name", "stream", "permissions", List.of("metrics:read")))
                .bearerAuth(server.token("alice", "acme", "admin")), Argument.mapOf(String.class, Object.class)).get("key");
        assertEveryFirstFrameArrives(ApiKeyAuthenticationFetcher.HEADER, key);
    }

    private static void assertEveryFirstFrameArrives(String header, String credential) throws Exception {
        URI stream = URI.create(server.server().getURL().toString().replace("http", "ws") + "/v1/stream");
        CountDownLatch snapshots = new CountDownLatch(CONNECTIONS);
        HttpClient client = HttpClient.newHttpClient();
        List<CompletableFuture<WebSocket>> sockets = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            sockets.add(client.newWebSocketBuilder().header(header, credential)
                    .buildAsync(stream, new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                            if (data.toString().contains("\"snapshot\"")) {
                                snapshots.countDown();
                            }
                            socket.request(1);
                            return null;
                        }
                    })
                    .thenCompose(socket -> socket.sendText("{\"type\":\"subscribe\",\"sub\":\"s\",\"metric\":\"latency\","
                            + "\"window\":\"10s\",\"aggregate\":\"count\",\"points\":5}", true)));
        }
        CompletableFuture.allOf(sockets.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
        snapshots.await(30, TimeUnit.SECONDS);
        assertThat(CONNECTIONS - snapshots.getCount()).as("snapshots received").isEqualTo(CONNECTIONS);
        for (CompletableFuture<WebSocket> socket : sockets) {
            socket.get().sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }
    }
}
