package io.pulse.serving.graphql;

import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.GraphqlErrorBuilder;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.serde.ObjectMapper;
import io.micronaut.websocket.CloseReason;
import io.pulse.serving.caller.Caller;
import io.pulse.serving.stream.Outbox;
import io.pulse.serving.stream.SocketConnections;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * One {@code graphql-transport-ws} connection: {@code connection_init} first, then {@code subscribe}
 * operations by id, each ending with {@code complete} (from either side) or {@code error}. Close codes
 * are the protocol's: 4400 bad message, 4401 subscribe before init, 4403 credentials refused, 4409 id in
 * use, 4429 second init. A connection whose upgrade carried no credentials authenticates with
 * {@code connection_init}'s payload ({@link Login}); it is acknowledged only then.
 */
final class GraphQLTransportConnection implements SocketConnections.Connection {

    private static final Argument<Map<String, Object>> MESSAGE = Argument.mapOf(String.class, Object.class);
    /** Marks an id whose operation is being started, so a second subscribe with it is refused. */
    private static final Disposable STARTING = () -> { };

    /** What a {@code connection_init} payload authenticates to: the caller, or the close refusing it. */
    record Login(@Nullable Caller caller, @Nullable CloseReason refusal) {

        static Login of(Caller caller) {
            return new Login(caller, null);
        }

        static Login refused(CloseReason refusal) {
            return new Login(null, refusal);
        }
    }

    static final CloseReason FORBIDDEN = new CloseReason(4403, "Forbidden");

    private final Function<Map<?, ?>, CompletableFuture<Login>> login;
    private Caller caller;
    private final GraphQL graphQL;
    private final ObjectMapper json;
    private final Outbox outbox;
    private final int maxOperations;
    private final BiConsumer<Integer, String> closer;
    private final Map<String, Disposable> operations = new HashMap<>();
    private boolean initRequested;
    private boolean initialised;
    private boolean closed;

    /**
     * @param caller the upgrade's caller, or null when {@code login} authenticates the connection_init payload
     */
    GraphQLTransportConnection(@Nullable Caller caller, Function<Map<?, ?>, CompletableFuture<Login>> login,
                               GraphQL graphQL, ObjectMapper json, Outbox outbox, int maxOperations,
                               BiConsumer<Integer, String> closer) {
        this.caller = caller;
        this.login = login;
        this.graphQL = graphQL;
        this.json = json;
        this.outbox = outbox;
        this.maxOperations = maxOperations;
        this.closer = closer;
    }

    @SuppressWarnings("unchecked")
    @Override
    public synchronized void receive(String text) {
        Map<String, Object> message;
        try {
            message = json.readValue(text, MESSAGE);
        } catch (IOException | RuntimeException e) {
            close(4400, "Invalid message");
            return;
        }
        Object id = message.get("id");
        switch (String.valueOf(message.get("type"))) {
            case "connection_init" -> {
                if (initRequested) {
                    close(4429, "Too many initialisation requests");
                    return;
                }
                initRequested = true;
                if (caller != null) {
                    acknowledge();
                } else {
                    Map<?, ?> payload = message.get("payload") instanceof Map<?, ?> given ? given : Map.of();
                    login.apply(payload).whenComplete((result, failure) -> loggedIn(failure == null ? result
                            : Login.refused(CloseReason.INTERNAL_ERROR)));
                }
            }
            case "ping" -> send(Map.of("type", "pong"));
            case "pong" -> { }
            case "subscribe" -> {
                if (!initialised) {
                    close(4401, "Unauthorized");
                } else if (!(id instanceof String operation) || !(message.get("payload") instanceof Map<?, ?> payload)
                        || !(payload.get("query") instanceof String query)) {
                    close(4400, "Invalid message: subscribe needs an id and a payload with a query");
                } else if (operations.containsKey(operation)) {
                    close(4409, "Subscriber for " + operation + " already exists");
                } else if (operations.size() >= maxOperations) {
                    sendErrors(operation, List.of(GraphqlErrorBuilder.newError()
                            .message("a connection runs at most " + maxOperations + " operations")
                            .extensions(Map.of("code", "subscription_limit")).build().toSpecification()));
                } else {
                    operations.put(operation, STARTING);
                    execute(operation, query, (Map<String, Object>) payload.get("variables"),
                            (String) payload.get("operationName"));
                }
            }
            case "complete" -> {
                Disposable running = operations.remove(String.valueOf(id));
                if (running != null) {
                    running.dispose();
                }
            }
            default -> close(4400, "Invalid message: unknown type");
        }
    }

    private synchronized void loggedIn(Login result) {
        if (closed) {
            return;
        }
        if (result.caller() == null) {
            close(result.refusal().getCode(), result.refusal().getReason());
        } else {
            caller = result.caller();
            acknowledge();
        }
    }

    private void acknowledge() {
        initialised = true;
        send(Map.of("type", "connection_ack"));
    }

    /** Whether the connection has not been acknowledged (its init timeout closes it then). */
    synchronized boolean unacknowledged() {
        return !initialised && !closed;
    }

    /** The connection ended: every running operation stops. */
    @Override
    public synchronized void close() {
        closed = true;
        operations.values().forEach(Disposable::dispose);
        operations.clear();
    }

    private void execute(String id, String query, Map<String, Object> variables, String operationName) {
        ExecutionInput input = ExecutionInput.newExecutionInput(query)
                .variables(variables == null ? Map.of() : variables).operationName(operationName).build();
        graphQL.executeAsync(GraphQLCaller.with(input, caller)).whenComplete((result, failure) -> {
            if (failure != null) {
                finish(id, () -> sendErrors(id, List.of(GraphQLErrors.of(failure, "operation " + id).build()
                        .toSpecification())));
            } else if (result.getData() instanceof Publisher<?> events) {
                stream(id, events);
            } else if (result.getData() == null && !result.getErrors().isEmpty()) {
                finish(id, () -> sendErrors(id, result.toSpecification().get("errors")));
            } else {
                finish(id, () -> {
                    sendNext(id, result);
                    send(Map.of("type", "complete", "id", id));
                });
            }
        });
    }

    private synchronized void stream(String id, Publisher<?> events) {
        if (closed || operations.get(id) != STARTING) {
            return; // completed by the client, or disconnected, before it started
        }
        Disposable running = Flux.from(events).subscribe(
                event -> sendNext(id, (ExecutionResult) event),
                failure -> finish(id, () -> sendErrors(id, List.of(GraphQLErrors.of(failure, "subscription " + id).build()
                        .toSpecification()))),
                () -> finish(id, () -> send(Map.of("type", "complete", "id", id))));
        if (!operations.replace(id, STARTING, running)) {
            running.dispose();
        }
    }

    /** Ends an operation with its last message, unless the client already completed it. */
    private synchronized void finish(String id, Runnable lastMessage) {
        if (operations.remove(id) != null && !closed) {
            lastMessage.run();
        }
    }

    private void sendNext(String id, ExecutionResult result) {
        send(Map.of("type", "next", "id", id, "payload", result.toSpecification()));
    }

    private void sendErrors(String id, Object errors) {
        send(Map.of("type", "error", "id", id, "payload", errors));
    }

    private void close(int code, String reason) {
        close();
        closer.accept(code, reason);
    }

    private void send(Map<String, Object> message) {
        String text;
        try {
            text = json.writeValueAsString(message);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        outbox.offer(() -> text);
    }
}
