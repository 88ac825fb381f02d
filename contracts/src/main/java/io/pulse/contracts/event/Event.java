package io.pulse.contracts.event;

import java.util.Map;
import java.util.Objects;

/**
 * One measurement sent by a tenant.
 *
 * @param tenant      owning tenant (on HTTP ingest it comes from the credential, never the body)
 * @param metric      metric name, e.g. {@code checkout.latency_ms}
 * @param timestamp   event time, epoch milliseconds
 * @param value       the measured value; finite
 * @param dimensions  string labels; all but the distinct dimension form the series
 * @param clientId    optional id the producer gave this event (kept for tracing, not for dedup)
 */
public record Event(String tenant, String metric, long timestamp, double value,
                    Map<String, String> dimensions, String clientId) {

    public Event {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(metric, "metric");
        dimensions = dimensions == null ? Map.of() : dimensions;
    }
}
