package io.pulse.serving.tracing;

import io.lettuce.core.resource.ClientResources;
import io.micronaut.configuration.lettuce.AbstractRedisConfiguration;
import io.micronaut.configuration.lettuce.ClientResourcesMutator;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.instrumentation.lettuce.v5_1.LettuceTelemetry;
import jakarta.inject.Singleton;

/**
 * A span per Redis command (cache, sessions, rate limits, live streams), child of the request that
 * issued it. Command arguments are sanitized by the instrumentation: keys and values stay out of traces.
 */
@Singleton
class RedisTracing implements ClientResourcesMutator {

    private final OpenTelemetry openTelemetry;

    RedisTracing(OpenTelemetry openTelemetry) {
        this.openTelemetry = openTelemetry;
    }

    @Override
    public void mutate(ClientResources.Builder builder, AbstractRedisConfiguration configuration) {
        builder.tracing(LettuceTelemetry.create(openTelemetry).newTracing());
    }
}
