package io.pulse.rollup.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.Map;

/**
 * The rollup job's OpenTelemetry, one per task manager JVM, configured from the standard {@code OTEL_*}
 * environment variables (e.g. {@code OTEL_TRACES_EXPORTER=otlp}, {@code OTEL_EXPORTER_OTLP_ENDPOINT});
 * without them it exports nothing.
 */
public final class JobTelemetry {

    private static OpenTelemetry instance;

    private JobTelemetry() {
    }

    public static synchronized OpenTelemetry fromEnvironment() {
        if (instance == null) {
            // defaults, which the environment and system properties override
            instance = AutoConfiguredOpenTelemetrySdk.builder().addPropertiesSupplier(() -> Map.of(
                    "otel.service.name", "pulse-rollup-job", "otel.traces.exporter", "none",
                    "otel.metrics.exporter", "none", "otel.logs.exporter", "none"))
                    .build().getOpenTelemetrySdk();
        }
        return instance;
    }
}
