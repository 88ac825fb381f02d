package io.pulse.rollup.freshness;

/** The newest event time a shard saw of a tenant since the last checkpoint, never past the wall clock. */
public record TenantEventTime(String tenant, long eventTime) {
}
