package io.pulse.serving.security;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** Requests and sockets refused by a rate limit, by which limit refused them (a bounded label); made at start-up. */
@Context
class RateLimitMetrics {

    enum Limit { CALLER, ADDRESS, FAILED_AUTH, WEBSOCKET_CONNECTION, WEBSOCKET_MESSAGE }

    private final Map<Limit, Counter> rejections = new EnumMap<>(Limit.class);

    RateLimitMetrics(MeterRegistry registry) {
        for (Limit limit : Limit.values()) {
            rejections.put(limit, Counter.builder("pulse.rate.limit.rejections").tag("limit", limit.name().toLowerCase(Locale.ROOT))
                    .description("Requests answered 429, sockets refused or closed with 4029").register(registry));
        }
    }

    void rejected(Limit limit) {
        rejections.get(limit).increment();
    }
}
