package io.pulse.serving.ingest;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.pulse.contracts.amqp.EventTopology;
import io.pulse.contracts.event.Event;
import io.pulse.contracts.event.EventJson;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes validated events to the events exchange in batches, each message with its own correlation id
 * (so the rollup job drops redeliveries) and its time of sending (the AMQP timestamp, which the job measures
 * event time against), and returns only once the broker confirmed every message. Each message carries the
 * trace context of its publishing span ({@code traceparent} header, W3C), so the rollup job's processing of
 * it joins the ingest request's trace.
 */
@Singleton
public class EventPublisher implements AutoCloseable {

    private final AmqpSettings settings;
    private final EventTopology topology;
    private final Connection connection;
    private final AtomicLong spread = new AtomicLong();
    private final Clock clock;
    private final OpenTelemetry openTelemetry;
    private final Tracer tracer;

    public EventPublisher(AmqpSettings settings, Clock clock, OpenTelemetry openTelemetry) throws IOException, TimeoutException {
        this.settings = settings;
        this.clock = clock;
        this.openTelemetry = openTelemetry;
        this.tracer = openTelemetry.getTracer("io.pulse.serving.ingest");
        this.topology = settings.topology();
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(settings.uri());
        } catch (Exception e) {
            throw new IllegalArgumentException("pulse.amqp.uri is not a valid AMQP URI", e);
        }
        this.connection = factory.newConnection("pulse-serving-ingest");
        try (Channel channel = connection.createChannel()) {
            topology.declare(channel);
        }
    }

    /** Publishes {@code events} of {@code tenant}; throws if the broker did not confirm them all in time. */
    public void publish(String tenant, List<Event> events) throws IOException, InterruptedException, TimeoutException {
        Span span = tracer.spanBuilder(topology.exchange() + " publish").setSpanKind(SpanKind.PRODUCER)
                .setAttribute("messaging.system", "rabbitmq").setAttribute("messaging.destination.name", topology.exchange())
                .setAttribute("messaging.batch.message_count", (long) Math.ceil(events.size() / (double) settings.eventsPerMessage()))
                .startSpan();
        try (Scope ignored = span.makeCurrent(); Channel channel = connection.createChannel()) {
            Map<String, Object> headers = new HashMap<>();
            openTelemetry.getPropagators().getTextMapPropagator().inject(Context.current(), headers, Map::put);
            channel.confirmSelect();
            Date sentAt = Date.from(clock.instant());
            for (int from = 0; from < events.size(); from += settings.eventsPerMessage()) {
                List<Event> batch = events.subList(from, Math.min(events.size(), from + settings.eventsPerMessage()));
                int shard = topology.shardFor(tenant, spread.getAndIncrement());
                channel.basicPublish(topology.exchange(), topology.routingKey(tenant, shard),
                        new AMQP.BasicProperties.Builder().correlationId(UUID.randomUUID().toString())
                                .contentType("application/json").deliveryMode(2).timestamp(sentAt).headers(headers).build(),
                        EventJson.writeBatch(batch).getBytes(StandardCharsets.UTF_8));
            }
            channel.waitForConfirmsOrDie(settings.confirmTimeoutMillis());
        } catch (IOException | InterruptedException | TimeoutException | RuntimeException e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR);
            throw e;
        } finally {
            span.end();
        }
    }

    @PreDestroy
    @Override
    public void close() throws IOException {
        connection.close();
    }
}
