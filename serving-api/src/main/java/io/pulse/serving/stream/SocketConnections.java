package io.pulse.serving.stream;

import io.micronaut.http.HttpRequest;
import io.micronaut.websocket.CloseReason;
import io.micronaut.websocket.WebSocketSession;
import io.pulse.serving.caller.Caller;
import io.pulse.serving.caller.CallerBinder;
import io.pulse.serving.security.SocketLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;

/**
 * The open connections of one WebSocket endpoint, each bound to its authenticated caller: what the
 * endpoints' open, message and close handlers share.
 */
public final class SocketConnections<C extends SocketConnections.Connection> {

    /** Past the caller's or IP's connection rate, or the connection's message rate (docs/streaming.md). */
    public static final CloseReason RATE_LIMITED = new CloseReason(4029, "rate limited: slow down and reconnect later");

    /** A connection's protocol state. */
    public interface Connection {
        void receive(String text);

        /** The socket is gone: stop everything the connection started. */
        void close();
    }

    private final Map<String, Slot<C>> slots = new ConcurrentHashMap<>();
    private final SocketLimits limits;

    public SocketConnections(SocketLimits limits) {
        this.limits = limits;
    }

    /**
     * A session's connection, and the frames that arrived before its open handler ran: the upgrade may
     * finish on another thread than the one reading the first frames.
     */
    private static final class Slot<C> {
        private final BooleanSupplier budget;
        private C connection;
        private List<String> early = new ArrayList<>();

        Slot(BooleanSupplier budget) {
            this.budget = budget;
        }
    }

    /**
     * Registers the session's connection once its caller's connection rate allows it; closes a session
     * without a caller (1008) or past the rate (4029).
     */
    public void open(WebSocketSession session, HttpRequest<?> request, BiFunction<Caller, WebSocketSession, C> create) {
        Caller caller = CallerBinder.callerOf(request).orElse(null);
        if (caller == null) {
            slots.remove(session.getId());
            session.close(CloseReason.POLICY_VIOLATION);
            return;
        }
        limits.admit(caller, request).whenComplete((admitted, failure) -> {
            if (failure != null || !admitted) {
                slots.remove(session.getId());
                session.close(failure != null ? CloseReason.INTERNAL_ERROR : RATE_LIMITED);
            } else if (session.isOpen()) {
                register(session, create.apply(caller, session));
            }
        });
    }

    private void register(WebSocketSession session, C connection) {
        Slot<C> slot = slots.computeIfAbsent(session.getId(), id -> new Slot<>(limits.messageBudget()));
        List<String> early;
        synchronized (slot) {
            slot.connection = connection;
            early = slot.early;
            slot.early = null;
            early.forEach(connection::receive);
        }
    }

    /** Hands a frame to the connection (or keeps it until the connection opens); past the rate, closes. */
    public void receive(WebSocketSession session, String text) {
        Slot<C> slot = slots.computeIfAbsent(session.getId(), id -> new Slot<>(limits.messageBudget()));
        synchronized (slot) {
            if (!slot.budget.getAsBoolean()) {
                session.close(RATE_LIMITED);
            } else if (slot.connection == null) {
                slot.early.add(text);
            } else {
                slot.connection.receive(text);
            }
        }
    }

    public void close(WebSocketSession session) {
        Slot<C> slot = slots.remove(session.getId());
        if (slot != null) {
            synchronized (slot) {
                if (slot.connection != null) {
                    slot.connection.close();
                }
            }
        }
    }

    public List<C> all() {
        List<C> open = new ArrayList<>();
        for (Slot<C> slot : slots.values()) {
            synchronized (slot) {
                if (slot.connection != null) {
                    open.add(slot.connection);
                }
            }
        }
        return open;
    }
}
