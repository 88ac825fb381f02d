package io.pulse.serving.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pulse.contracts.event.RejectReason;
import io.micronaut.context.annotation.Context;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Events posted to the ingest API: accepted (published and confirmed by the broker) or rejected, by the
 * rejection reason (as the rollup job labels it: {@code invalid_type} for the API's {@code invalid-type}).
 * Made at start-up with every reason, so a rate over any of them is 0 before the first request, not absent.
 */
@Context
class IngestMetrics {

    private static final String NAME = "pulse.ingest.events";
    private static final String DESCRIPTION = "Events received by the ingest API, by outcome and rejection reason";

    private final Counter accepted;
    private final Map<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);

    IngestMetrics(MeterRegistry registry) {
        accepted = Counter.builder(NAME).tag("outcome", "accepted").tag("reason", "none").description(DESCRIPTION)
                .register(registry);
        for (RejectReason reason : RejectReason.values()) {
            rejected.put(reason, Counter.builder(NAME).tag("outcome", "rejected").tag("reason", reason.name().toLowerCase(Locale.ROOT))
                    .description(DESCRIPTION).register(registry));
        }
    }

    void accepted(int events) {
        accepted.increment(events);
    }

    void rejected(RejectReason reason) {
        rejected.get(reason).increment();
    }
}
