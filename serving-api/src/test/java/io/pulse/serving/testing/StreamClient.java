package io.pulse.serving.testing;

import io.micronaut.http.HttpRequest;
import io.micronaut.websocket.WebSocketClient;
import io.micronaut.websocket.annotation.ClientWebSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import reactor.core.publisher.Mono;

/** A client of {@code /v1/stream}; {@link #next} skips heartbeats. */
@ClientWebSocket
public abstract class StreamClient extends JsonSocketClient {

    protected StreamClient() {
        super(Set.of("heartbeat"));
    }

    public static StreamClient connect(WebSocketClient client, URI server, String token) {
        return Mono.from(client.connect(StreamClient.class,
                HttpRequest.GET(server.resolve("/v1/stream")).bearerAuth(token))).block(Duration.ofSeconds(10));
    }
}
