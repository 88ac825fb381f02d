package io.pulse.serving.stream;

import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.websocket.CloseReason;
import io.micronaut.websocket.WebSocketSession;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.pulse.serving.caller.Caller;
import io.pulse.serving.caller.CallerBinder;
import io.pulse.serving.security.SocketLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

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
    private final StreamMetrics metrics;
    private final Tracer tracer;
    private final String spanName;

    /**
     * The connections of the endpoint named {@code endpoint} in meters and traces ({@code stream},
     * {@code graphql}): each message a client sends is a span of its own.
     */
    public SocketConnections(String endpoint, SocketLimits limits, StreamMetrics metrics, OpenTelemetry openTelemetry) {
        this.limits = limits;
        this.metrics = metrics;
        this.tracer = openTelemetry.getTracer("io.pulse.serving.stream");
        this.spanName = "websocket " + endpoint + " receive";
        metrics.watch(endpoint, this);
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
     * without a caller or whose caller has no valid tenant (1008), or past the rate (4029).
     */
    public void open(WebSocketSession session, HttpRequest<?> request, BiFunction<Caller, WebSocketSession, C> create) {
        Optional<Caller> caller = callerOf(request);
        if (caller.isEmpty()) {
            slots.remove(session.getId());
            session.close(CloseReason.POLICY_VIOLATION);
            return;
        }
        admit(caller.get(), request).whenComplete((admitted, failure) -> {
            if (failure != null || !admitted) {
                slots.remove(session.getId());
                session.close(failure != null ? CloseReason.INTERNAL_ERROR : RATE_LIMITED);
            } else if (session.isOpen()) {
                register(session, create.apply(caller.get(), session));
            }
        });
    }

    /**
     * Registers a connection whose caller authenticates inside the protocol (graphql-ws's
     * {@code connection_init}); it must call {@link #admit} once it knows its caller.
     */
    public void openUnauthenticated(WebSocketSession session, Function<WebSocketSession, C> create) {
        register(session, create.apply(session));
    }

    /** Whether {@code caller} may open one more socket now (its and its IP's connection rates). */
    public CompletableFuture<Boolean> admit(Caller caller, HttpRequest<?> upgrade) {
        return limits.admit(caller, upgrade);
    }

    /** The upgrade's authenticated caller; empty when anonymous or without a valid tenant. */
    public static Optional<Caller> callerOf(HttpRequest<?> request) {
        return request.getUserPrincipal(Authentication.class).flatMap(CallerBinder::validCaller);
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
        Span span = tracer.spanBuilder(spanName).setSpanKind(SpanKind.SERVER).startSpan();
        Slot<C> slot = slots.computeIfAbsent(session.getId(), id -> new Slot<>(limits.messageBudget()));
        try (Scope ignored = span.makeCurrent()) {
            synchronized (slot) {
                if (!slot.budget.getAsBoolean()) {
                    span.setStatus(StatusCode.ERROR, "rate limited");
                    session.close(RATE_LIMITED);
                } else if (slot.connection == null) {
                    slot.early.add(text);
                } else {
                    slot.connection.receive(text);
                }
            }
        } finally {
            span.end();
        }
    }

    /**
     * The socket closed. If the client closed it, answers its close frame with the same code (RFC 6455
     * 5.5.1; Micronaut 4.10 drops the connection instead when the endpoint has an {@code @OnClose}
     * handler); after the server's own close or a lost connection the channel is gone and nothing is sent.
     */
    public void close(WebSocketSession session, CloseReason reason) {
        metrics.closed(reason.getCode());
        if (session.isOpen()) {
            session.close(echoable(reason.getCode()) ? reason : CloseReason.NORMAL);
        }
        Slot<C> slot = slots.remove(session.getId());
        if (slot != null) {
            synchronized (slot) {
                if (slot.connection != null) {
                    slot.connection.close();
                }
            }
        }
    }

    /** Codes a close frame may carry (RFC 6455 7.4): not 1005, 1006 or 1015, which only report. */
    private static boolean echoable(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    /** Open sockets, including those whose connection is still being admitted. */
    int size() {
        return slots.size();
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
