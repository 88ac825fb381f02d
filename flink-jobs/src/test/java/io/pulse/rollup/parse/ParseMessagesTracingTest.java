package io.pulse.rollup.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.pulse.contracts.event.EventLimits;
import io.pulse.rollup.source.RawMessage;
import java.nio.charset.StandardCharsets;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** A message published within a trace (HTTP ingest's) is parsed in a span of that trace. */
class ParseMessagesTracingTest {

    private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
    private static final OpenTelemetry TELEMETRY = OpenTelemetrySdk.builder().setTracerProvider(
            SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build()).build();

    @Test
    void aMessageWithATraceContextIsParsedInASpanOfItsTrace() throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String publishSpan = "00f067aa0ba902b7";
        byte[] body = ("[{\"metric\":\"m\",\"timestamp\":" + System.currentTimeMillis() + ",\"value\":1}]")
                .getBytes(StandardCharsets.UTF_8);
        try (OneInputStreamOperatorTestHarness<RawMessage, SentEvent> harness = new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new ParseMessages(EventLimits.DEFAULT, () -> TELEMETRY)))) {
            harness.open();
            harness.processElement(new RawMessage("amqp:q", "acme", "traced", body, 0,
                    "00-" + traceId + "-" + publishSpan + "-01"), 0);
            harness.processElement(new RawMessage("amqp:q", "acme", "untraced", body, 0, null), 0);
            assertThat(harness.extractOutputValues()).hasSize(2);
        }

        assertThat(SPANS.getFinishedSpanItems()).singleElement().satisfies((SpanData span) -> {
            assertThat(span.getName()).isEqualTo("rollup parse");
            assertThat(span.getKind()).isEqualTo(SpanKind.CONSUMER);
            assertThat(span.getTraceId()).isEqualTo(traceId);
            assertThat(span.getParentSpanId()).as("child of the publishing span").isEqualTo(publishSpan);
        });
    }
}
