package io.pulse.serving.stream;

import io.micronaut.http.HttpRequest;
import io.micronaut.websocket.CloseReason;
import io.micronaut.websocket.WebSocketSession;
import io.pulse.serving.caller.Caller;
import io.pulse.serving.caller.CallerBinder;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * The open connections of one WebSocket endpoint, each bound to its authenticated caller: what the
 * endpoints' open, message and close handlers share.
 */
public final class SocketConnections<C extends SocketConnections.Connection> {

    /** A connection's protocol state. */
    public interface Connection {
        void receive(String text);

        /** The socket is gone: stop everything the connection started. */
        void close();
    }

    private final Map<String, C> connections = new ConcurrentHashMap<>();

    /** Registers the session's connection, or closes a session without a caller (1008). */
    public void open(WebSocketSession session, HttpRequest<?> request, BiFunction<Caller, WebSocketSession, C> create) {
        Caller caller = CallerBinder.callerOf(request).orElse(null);
        if (caller == null) {
            session.close(CloseReason.POLICY_VIOLATION);
            return;
        }
        connections.put(session.getId(), create.apply(caller, session));
    }

    public void receive(WebSocketSession session, String text) {
        C connection = connections.get(session.getId());
        if (connection != null) {
            connection.receive(text);
        }
    }

    public void close(WebSocketSession session) {
        C connection = connections.remove(session.getId());
        if (connection != null) {
            connection.close();
        }
    }

    public Collection<C> all() {
        return connections.values();
    }
}
