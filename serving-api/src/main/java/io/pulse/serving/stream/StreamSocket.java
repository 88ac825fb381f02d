package io.pulse.serving.stream;

import io.micronaut.http.HttpRequest;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.ObjectMapper;
import io.micronaut.websocket.CloseReason;
import io.micronaut.websocket.WebSocketSession;
import io.micronaut.websocket.annotation.OnClose;
import io.micronaut.websocket.annotation.OnMessage;
import io.micronaut.websocket.annotation.OnOpen;
import io.micronaut.websocket.annotation.ServerWebSocket;
import io.pulse.serving.caller.Caller;
import io.pulse.serving.caller.CallerBinder;
import io.pulse.serving.query.QueryLimits;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code /v1/stream}: live series over one WebSocket, the protocol of docs/streaming.md. Only
 * authenticated callers connect; every subscription is in the caller's tenant.
 */
@ServerWebSocket("/v1/stream")
@Secured(SecurityRule.IS_AUTHENTICATED)
public class StreamSocket {

    private final LiveStreams streams;
    private final StreamSettings settings;
    private final QueryLimits limits;
    private final ObjectMapper json;
    private final Map<String, StreamConnection> connections = new ConcurrentHashMap<>();

    public StreamSocket(LiveStreams streams, StreamSettings settings, QueryLimits limits, ObjectMapper json) {
        this.streams = streams;
        this.settings = settings;
        this.limits = limits;
        this.json = json;
    }

    @OnOpen
    public void open(WebSocketSession session, HttpRequest<?> request) {
        Caller caller = CallerBinder.callerOf(request).orElse(null);
        if (caller == null) {
            session.close(CloseReason.POLICY_VIOLATION);
            return;
        }
        connections.put(session.getId(), new StreamConnection(caller, streams, settings, limits, json,
                new Outbox.Transport() {
                    @Override
                    public CompletionStage<?> send(String text) {
                        return session.sendAsync(text);
                    }

                    @Override
                    public void close(int code, String reason) {
                        session.close(new CloseReason(code, reason));
                    }
                }));
    }

    @OnMessage
    public void message(String text, WebSocketSession session) {
        StreamConnection connection = connections.get(session.getId());
        if (connection != null) {
            connection.receive(text);
        }
    }

    @OnClose
    public void close(WebSocketSession session) {
        StreamConnection connection = connections.remove(session.getId());
        if (connection != null) {
            connection.close();
        }
    }

    @Scheduled(fixedDelay = "${pulse.stream.heartbeat-seconds:15}s")
    void heartbeat() {
        connections.values().forEach(StreamConnection::heartbeat);
    }

    /** Open connections on this instance. */
    public int connections() {
        return connections.size();
    }
}
