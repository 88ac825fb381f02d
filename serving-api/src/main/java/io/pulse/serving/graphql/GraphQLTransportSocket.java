package io.pulse.serving.graphql;

import graphql.GraphQL;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.ObjectMapper;
import io.micronaut.websocket.CloseReason;
import io.micronaut.websocket.WebSocketSession;
import io.micronaut.websocket.annotation.OnClose;
import io.micronaut.websocket.annotation.OnMessage;
import io.micronaut.websocket.annotation.OnOpen;
import io.micronaut.websocket.annotation.ServerWebSocket;
import io.pulse.serving.security.SocketLimits;
import io.pulse.serving.stream.Outbox;
import io.pulse.serving.stream.SocketConnections;
import io.pulse.serving.stream.StreamSettings;

/**
 * GraphQL over WebSocket at {@code /graphql-ws}, speaking the {@code graphql-transport-ws} protocol
 * (queries, and subscriptions fed by the live fan-out). Written here rather than taken from
 * micronaut-graphql because its handler (4.7.0) keeps subscriptions running after the client leaves.
 */
@ServerWebSocket(value = "/graphql-ws", subprotocols = "graphql-transport-ws")
@Secured(SecurityRule.IS_AUTHENTICATED)
public class GraphQLTransportSocket {

    private final GraphQL graphQL;
    private final StreamSettings settings;
    private final ObjectMapper json;
    private final SocketConnections<GraphQLTransportConnection> connections;

    public GraphQLTransportSocket(GraphQL graphQL, StreamSettings settings, ObjectMapper json, SocketLimits socketLimits) {
        this.connections = new SocketConnections<>(socketLimits);
        this.graphQL = graphQL;
        this.settings = settings;
        this.json = json;
    }

    @OnOpen
    public void open(WebSocketSession session, HttpRequest<?> request) {
        connections.open(session, request, (caller, socket) -> new GraphQLTransportConnection(caller, graphQL, json,
                Outbox.of(socket, settings), settings.maxSubscriptionsPerConnection(),
                (code, reason) -> socket.close(new CloseReason(code, reason))));
    }

    @OnMessage
    public void message(String text, WebSocketSession session) {
        connections.receive(session, text);
    }

    @OnClose
    public void close(WebSocketSession session) {
        connections.close(session);
    }
}
