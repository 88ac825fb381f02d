package io.pulse.serving.stream;

import io.micronaut.context.annotation.Context;
import io.micronaut.http.HttpRequest;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.security.annotation.Secured;
import io.pulse.serving.security.Permission;
import io.pulse.serving.security.RequiresPermission;
import io.pulse.serving.security.SocketLimits;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.ObjectMapper;
import io.micronaut.websocket.CloseReason;
import io.micronaut.websocket.WebSocketSession;
import io.micronaut.websocket.annotation.OnClose;
import io.micronaut.websocket.annotation.OnMessage;
import io.micronaut.websocket.annotation.OnOpen;
import io.micronaut.websocket.annotation.ServerWebSocket;
import io.opentelemetry.api.OpenTelemetry;
import io.pulse.serving.query.QueryLimits;

/**
 * {@code /v1/stream}: live series over one WebSocket, the protocol of docs/streaming.md. Only
 * authenticated callers connect; every subscription is in the caller's tenant.
 */
@ServerWebSocket("/v1/stream")
@Secured(SecurityRule.IS_AUTHENTICATED)
@RequiresPermission(Permission.METRICS_READ)
// created at start-up, not by the first upgrade: that may complete on a Redis client thread, and the
// endpoint's dependencies connect to Redis synchronously, which would deadlock that thread
@Context
public class StreamSocket {

    private final LiveStreams streams;
    private final StreamSettings settings;
    private final QueryLimits limits;
    private final ObjectMapper json;
    private final SocketConnections<StreamConnection> connections;
    private final StreamMetrics metrics;

    public StreamSocket(LiveStreams streams, StreamSettings settings, QueryLimits limits, ObjectMapper json,
                        SocketLimits socketLimits, StreamMetrics metrics, OpenTelemetry openTelemetry) {
        this.connections = new SocketConnections<>("stream", socketLimits, metrics, openTelemetry);
        this.metrics = metrics;
        this.streams = streams;
        this.settings = settings;
        this.limits = limits;
        this.json = json;
    }

    @OnOpen
    public void open(WebSocketSession session, HttpRequest<?> request) {
        connections.open(session, request, (caller, socket) ->
                new StreamConnection(caller, streams, settings, limits, json, Outbox.of(socket, settings, metrics)));
    }

    @OnMessage
    public void message(String text, WebSocketSession session) {
        connections.receive(session, text);
    }

    @OnClose
    public void close(WebSocketSession session, CloseReason reason) {
        connections.close(session, reason);
    }

    @Scheduled(fixedDelay = "${pulse.stream.heartbeat-seconds:15}s")
    void heartbeat() {
        connections.all().forEach(StreamConnection::heartbeat);
    }
}
