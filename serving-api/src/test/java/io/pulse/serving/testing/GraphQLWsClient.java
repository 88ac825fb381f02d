package io.pulse.serving.testing;

import io.micronaut.http.HttpRequest;
import io.micronaut.websocket.WebSocketClient;
import io.micronaut.websocket.annotation.ClientWebSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import reactor.core.publisher.Mono;

/** A {@code graphql-transport-ws} client of {@code /graphql-ws}; {@link #next} skips pongs. */
@ClientWebSocket(subprotocol = "graphql-transport-ws")
public abstract class GraphQLWsClient extends JsonSocketClient {

    protected GraphQLWsClient() {
        super(Set.of("pong"));
    }

    public static GraphQLWsClient connect(WebSocketClient client, URI server, String token) {
        return Mono.from(client.connect(GraphQLWsClient.class,
                HttpRequest.GET(server.resolve("/graphql-ws")).bearerAuth(token))).block(Duration.ofSeconds(10));
    }
}
