package io.pulse.rollup.parse;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.pulse.contracts.deadletter.DeadLetter;
import io.pulse.contracts.event.Event;
import io.pulse.contracts.event.EventBatchReader;
import io.pulse.contracts.event.EventLimits;
import io.pulse.contracts.event.EventValidator;
import io.pulse.contracts.event.RejectReason;
import io.pulse.contracts.event.Rejection;
import io.pulse.rollup.metrics.PulseMetrics;
import io.pulse.rollup.source.RawMessage;
import io.pulse.rollup.tracing.JobTelemetry;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.flink.util.function.SerializableSupplier;

/**
 * Parses and validates each message with the shared {@link EventBatchReader}, holding its events to the
 * tenant of its routing key as HTTP ingest holds them to the credential's: an event without a tenant
 * gets it, one naming another is rejected ({@code tenant-mismatch}). Valid events go on; every rejected
 * element, and every message that cannot be taken at all, goes to {@link #REJECTED} with its reason.
 * Each event keeps its message's sending time, which event time is measured against.
 * Nothing here throws on bad input. A message carrying a trace context (HTTP ingest's do) is parsed in a
 * span of that trace, so the request that published it leads to its processing here.
 */
public final class ParseMessages extends ProcessFunction<RawMessage, SentEvent> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> REJECTED = new OutputTag<>("rejected") { };

    /** Reads a message's trace context: only {@code traceparent} is carried. */
    private static final TextMapGetter<RawMessage> TRACE_PARENT = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(RawMessage message) {
            return List.of("traceparent");
        }

        @Override
        public String get(RawMessage message, String key) {
            return message == null || !key.equals("traceparent") ? null : message.traceParent();
        }
    };

    private final EventLimits limits;
    private final SerializableSupplier<OpenTelemetry> telemetry;
    private transient Tracer tracer;
    private transient EventBatchReader reader;
    private transient Counter accepted;
    private transient Map<RejectReason, Counter> rejected;

    public ParseMessages(EventLimits limits) {
        this(limits, JobTelemetry::fromEnvironment);
    }

    public ParseMessages(EventLimits limits, SerializableSupplier<OpenTelemetry> telemetry) {
        this.limits = limits;
        this.telemetry = telemetry;
    }

    @Override
    public void open(OpenContext openContext) {
        reader = new EventBatchReader(new EventValidator(limits));
        tracer = telemetry.get().getTracer("io.pulse.rollup");
        MetricGroup pulse = PulseMetrics.of(getRuntimeContext().getMetricGroup());
        accepted = pulse.counter("events_in");
        rejected = new EnumMap<>(RejectReason.class);
        for (RejectReason reason : RejectReason.values()) { // all up front: a rate over one is 0, not absent
            rejected.put(reason, pulse.addGroup("reason", reason.code()).counter("events_rejected"));
        }
    }

    @Override
    public void processElement(RawMessage message, Context ctx, Collector<SentEvent> out) {
        if (message.traceParent() == null) {
            parse(message, ctx, out);
            return;
        }
        Span span = tracer.spanBuilder("rollup parse").setSpanKind(SpanKind.CONSUMER)
                .setParent(W3CTraceContextPropagator.getInstance().extract(io.opentelemetry.context.Context.root(),
                        message, TRACE_PARENT))
                .setAttribute("messaging.system", "rabbitmq").setAttribute("messaging.source.name", message.source())
                .setAttribute("messaging.message.conversation_id", String.valueOf(message.correlationId()))
                .startSpan();
        try (Scope ignored = span.makeCurrent()) {
            parse(message, ctx, out);
        } finally {
            span.end();
        }
    }

    private void parse(RawMessage message, Context ctx, Collector<SentEvent> out) {
        long now = System.currentTimeMillis();
        if (message.correlationId() == null) {
            rejected.get(RejectReason.MISSING_CORRELATION_ID).inc();
            ctx.output(REJECTED, DeadLetter.of(message.source(), null, -1, message.tenant(),
                    Rejection.of(RejectReason.MISSING_CORRELATION_ID,
                            "message has no correlation id, so redeliveries could not be told apart"),
                    new String(message.body(), StandardCharsets.UTF_8), now));
            return;
        }
        reader.read(message.body(), now, message.tenant(), new EventBatchReader.Handler() {
            @Override
            public void accept(int index, Event event) {
                accepted.inc();
                out.collect(new SentEvent(event, message.sentAt()));
            }

            @Override
            public void reject(int index, Rejection rejection, String raw) {
                rejected.get(rejection.reason()).inc();
                ctx.output(REJECTED, DeadLetter.of(message.source(), message.correlationId(), index, message.tenant(),
                        rejection, raw, now));
            }
        });
    }
}
