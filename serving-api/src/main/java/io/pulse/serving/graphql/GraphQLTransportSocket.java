package io.pulse.serving.graphql;

import graphql.GraphQL;
import io.micronaut.context.annotation.Context;
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
import io.opentelemetry.api.OpenTelemetry;
import io.pulse.serving.security.SocketLimits;
import io.pulse.serving.stream.Outbox;
import io.pulse.serving.stream.SocketConnections;
import io.pulse.serving.caller.Caller;
import io.pulse.serving.graphql.GraphQLTransportConnection.Login;
import io.pulse.serving.stream.LiveStreams;
import io.pulse.serving.stream.StreamMetrics;
import io.pulse.serving.stream.StreamSettings;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * GraphQL over WebSocket at {@code /graphql-ws}, speaking the {@code graphql-transport-ws} protocol
 * (queries, and subscriptions fed by the live fan-out). Written here rather than taken from
 * micronaut-graphql because its handler (4.7.0) keeps subscriptions running after the client leaves.
 */
@ServerWebSocket(value = "/graphql-ws", subprotocols = "graphql-transport-ws")
// browsers cannot set headers on an upgrade: an anonymous one authenticates with connection_init
@Secured(SecurityRule.IS_ANONYMOUS)
// created at start-up, not by the first upgrade: that may complete on a Redis client thread, and the
// endpoint's dependencies connect to Redis synchronously, which would deadlock that thread
@Context
public class GraphQLTransportSocket {

    /** How long an upgrade without credentials may wait before its connection_init (graphql-ws: 4408). */
    static final Duration INIT_TIMEOUT = Duration.ofSeconds(10);


    private final GraphQL graphQL;
    private final StreamSettings settings;
    private final ObjectMapper json;
    private final SocketConnections<GraphQLTransportConnection> connections;
    private final StreamMetrics metrics;

    private final ConnectionParamsAuthenticator authenticator;
    private final ScheduledExecutorService timer;

    public GraphQLTransportSocket(GraphQL graphQL, StreamSettings settings, ObjectMapper json, SocketLimits socketLimits,
                                  ConnectionParamsAuthenticator authenticator, LiveStreams streams, StreamMetrics metrics,
                                  OpenTelemetry openTelemetry) {
        this.connections = new SocketConnections<>("graphql", socketLimits, metrics, openTelemetry);
        this.metrics = metrics;
        this.authenticator = authenticator;
        this.timer = streams.executor();
        this.graphQL = graphQL;
        this.settings = settings;
        this.json = json;
    }

    @OnOpen
    public void open(WebSocketSession session, HttpRequest<?> request) {
        if (request.getUserPrincipal().isPresent()) {
            connections.open(session, request, (caller, socket) -> connection(caller, socket, request));
            return;
        }
        connections.openUnauthenticated(session, socket -> {
            GraphQLTransportConnection connection = connection(null, socket, request);
            timer.schedule(() -> {
                if (connection.unacknowledged()) {
                    connection.close();
                    socket.close(new CloseReason(4408, "Connection initialisation timeout"));
                }
            }, INIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return connection;
        });
    }

    private GraphQLTransportConnection connection(Caller caller, WebSocketSession socket, HttpRequest<?> upgrade) {
        return new GraphQLTransportConnection(caller, payload -> login(payload, upgrade), graphQL, json,
                Outbox.of(socket, settings, metrics), settings.maxSubscriptionsPerConnection(),
                (code, reason) -> socket.close(new CloseReason(code, reason)));
    }

    /** Authenticates a connection_init payload, then counts the connection against its caller's rates. */
    private CompletableFuture<Login> login(Map<?, ?> payload, HttpRequest<?> upgrade) {
        return authenticator.authenticate(payload, upgrade).thenCompose(caller -> caller.isEmpty()
                ? CompletableFuture.completedFuture(Login.refused(GraphQLTransportConnection.FORBIDDEN))
                : connections.admit(caller.get(), upgrade).thenApply(admitted -> admitted ? Login.of(caller.get())
                        : Login.refused(SocketConnections.RATE_LIMITED)));
    }

    @OnMessage
    public void message(String text, WebSocketSession session) {
        connections.receive(session, text);
    }

    @OnClose
    public void close(WebSocketSession session, CloseReason reason) {
        connections.close(session, reason);
    }
}
