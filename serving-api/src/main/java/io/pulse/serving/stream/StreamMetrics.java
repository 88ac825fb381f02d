package io.pulse.serving.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The live fan-out's meters, shared by the stream and GraphQL sockets (docs/operations/observability.md):
 * open connections and subscriptions, frames sent, deltas merged or frames dropped for slow clients, and
 * closes by a bounded reason derived from the close code.
 */
@Singleton
public class StreamMetrics implements Outbox.Listener {

    /** Close reasons as labels: one per kind of close code, never the code's free text. */
    enum CloseKind { CLIENT, LOST, SLOW_CONSUMER, RATE_LIMITED, POLICY, ERROR, OTHER }

    private final MeterRegistry registry;
    private final Counter sent;
    private final Counter conflated;
    private final Counter dropped;
    private final Map<CloseKind, Counter> closed;

    public StreamMetrics(MeterRegistry registry, LiveStreams streams) {
        this.registry = registry;
        this.sent = Counter.builder("pulse.websocket.messages.sent").description("Frames written to clients")
                .register(registry);
        this.conflated = Counter.builder("pulse.websocket.updates.conflated")
                .description("Deltas merged into a newer one while their client was behind").register(registry);
        this.dropped = Counter.builder("pulse.websocket.messages.dropped")
                .description("Frames never sent: heartbeats skipped for a client behind, or frames of a client closed as too slow")
                .register(registry);
        this.closed = Stream.of(CloseKind.values()).collect(Collectors.toMap(Function.identity(), kind ->
                Counter.builder("pulse.websocket.closed").tag("reason", kind.name().toLowerCase(java.util.Locale.ROOT))
                        .description("WebSocket connections closed, by kind of close code").register(registry)));
        Gauge.builder("pulse.websocket.subscriptions", streams, LiveStreams::subscriptions)
                .description("Live subscriptions held on this instance (stream and GraphQL)").register(registry);
    }

    /** Publishes the number of open connections of one endpoint ({@code stream} or {@code graphql}). */
    void watch(String endpoint, SocketConnections<?> connections) {
        Gauge.builder("pulse.websocket.connections", connections, SocketConnections::size).tag("endpoint", endpoint)
                .description("Open WebSocket connections").register(registry);
    }

    void closed(int code) {
        closed.get(kindOf(code)).increment();
    }

    static CloseKind kindOf(int code) {
        return switch (code) {
            case 1000, 1001, 1005 -> CloseKind.CLIENT;
            case 1006 -> CloseKind.LOST; // no close frame: the connection broke
            case Outbox.SLOW_CONSUMER -> CloseKind.SLOW_CONSUMER;
            case 4029 -> CloseKind.RATE_LIMITED;
            case 1008 -> CloseKind.POLICY;
            case 1011 -> CloseKind.ERROR;
            default -> CloseKind.OTHER;
        };
    }

    @Override
    public void sent() {
        sent.increment();
    }

    @Override
    public void conflated(int merged) {
        conflated.increment(merged);
    }

    @Override
    public void dropped(int frames) {
        dropped.increment(frames);
    }
}
