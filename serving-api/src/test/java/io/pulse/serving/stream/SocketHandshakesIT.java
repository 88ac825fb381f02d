package io.pulse.serving.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pulse.contracts.testing.IdentityProvider;
import io.pulse.serving.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Opening and closing both WebSocket endpoints as a client other than Micronaut's sees it (the JDK's):
 * the close handshake is answered, a caller without a valid tenant is closed with 1008, and graphql-ws
 * authenticates in {@code connection_init} the way browsers must.
 */
class SocketHandshakesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestServer server;
    private static String acme;

    @BeforeAll
    static void start() {
        server = TestServer.start("pulse_socket_handshakes", Map.of());
        acme = server.token("alice", "acme", "viewer");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A JDK WebSocket: text frames in order, and the close code the server sent (or the failure). */
    private static final class Peer implements WebSocket.Listener {
        private final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        private final CompletableFuture<Integer> closedWith = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        static Peer connect(String path, String bearer, String... subprotocols) throws Exception {
            Peer peer = new Peer();
            WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
            if (bearer != null) {
                builder.header("Authorization", "Bearer " + bearer);
            }
            if (subprotocols.length > 0) {
                builder.subprotocols(subprotocols[0]);
            }
            peer.socket = builder.buildAsync(URI.create(server.server().getURL().toString().replace("http", "ws") + path),
                    peer).get(10, TimeUnit.SECONDS);
            return peer;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                texts.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closedWith.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closedWith.completeExceptionally(error);
        }

        void send(Map<String, Object> message) throws Exception {
            socket.sendText(JSON.writeValueAsString(message), true).get(5, TimeUnit.SECONDS);
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> next() throws Exception {
            String text = texts.poll(10, TimeUnit.SECONDS);
            assertThat(text).as("a frame within 10 s").isNotNull();
            return JSON.readValue(text, Map.class);
        }

        int closeCode() throws Exception {
            return closedWith.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aClientsCloseIsAnsweredWithACloseFrameOnBothEndpoints() throws Exception {
        for (String[] endpoint : List.of(new String[] {"/v1/stream"}, new String[] {"/graphql-ws", "graphql-transport-ws"})) {
            Peer peer = Peer.connect(endpoint[0], acme, java.util.Arrays.copyOfRange(endpoint, 1, endpoint.length));
            peer.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
            assertThat(peer.closeCode()).as(endpoint[0]).isEqualTo(WebSocket.NORMAL_CLOSURE);
        }
    }

    @Test
    void aTokenWithoutAValidTenantIsClosedAsAPolicyViolation() throws Exception {
        String listTenant = IdentityProvider.shared().tokenWithClaims("mallory",
                Map.of("tenant", List.of("acme", "globex"), "roles", List.of("viewer")));
        String badName = IdentityProvider.shared().tokenWithClaims("mallory",
                Map.of("tenant", "Not A Tenant!", "roles", List.of("viewer")));
        for (String token : List.of(listTenant, badName)) {
            assertThat(Peer.connect("/v1/stream", token).closeCode()).isEqualTo(1008);
            assertThat(Peer.connect("/graphql-ws", token, "graphql-transport-ws").closeCode()).isEqualTo(1008);
        }
    }

    @Test
    void graphqlWsAuthenticatesWithTheBearerTokenOfConnectionInit() throws Exception {
        Peer browser = Peer.connect("/graphql-ws", null, "graphql-transport-ws");
        browser.send(Map.of("type", "connection_init", "payload", Map.of("Authorization", "Bearer " + acme)));
        assertThat(browser.next()).containsEntry("type", "connection_ack");
        browser.send(Map.of("type", "subscribe", "id", "q", "payload", Map.of("query", "{ metrics { name } }")));
        assertThat(browser.next()).containsEntry("type", "next").containsEntry("id", "q");
        assertThat(browser.next()).containsEntry("type", "complete").containsEntry("id", "q");

        // a bad metric is a coded validation error, not an internal one
        browser.send(Map.of("type", "subscribe", "id", "bad", "payload", Map.of("query",
                "subscription { liveSeries(metric: \"Bad Metric!\") { kind } }")));
        Map<String, Object> refused = browser.next();
        assertThat(refused).containsEntry("id", "bad");
        assertThat(JSON.writeValueAsString(refused)).contains("\"code\":\"bad_request\"")
                .contains("metric must be a valid metric name").doesNotContain("internal");
    }

    @Test
    void graphqlWsWithoutValidCredentialsIsClosedAtConnectionInit() throws Exception {
        Peer none = Peer.connect("/graphql-ws", null, "graphql-transport-ws");
        none.send(Map.of("type", "connection_init"));
        assertThat(none.closeCode()).isEqualTo(4403);

        Peer forged = Peer.connect("/graphql-ws", null, "graphql-transport-ws");
        forged.send(Map.of("type", "connection_init", "payload", Map.of("Authorization", "Bearer " + acme + "x")));
        assertThat(forged.closeCode()).isEqualTo(4403);

        Peer early = Peer.connect("/graphql-ws", null, "graphql-transport-ws");
        early.send(Map.of("type", "subscribe", "id", "q", "payload", Map.of("query", "{ metrics { name } }")));
        assertThat(early.closeCode()).as("nothing runs before the connection is acknowledged").isEqualTo(4401);
    }
}
