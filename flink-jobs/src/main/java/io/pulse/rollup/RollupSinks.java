package io.pulse.rollup;

import io.pulse.contracts.deadletter.DeadLetter;
import io.pulse.contracts.event.Event;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.Rollup;
import io.pulse.rollup.correction.Correction;
import io.pulse.rollup.freshness.TenantEventTime;
import java.util.Map;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * Where the job's results go: one table sink per granularity, the live (Redis) sink for all results, the
 * dead-letter sink, the corrections of closed windows' rows, each tenant's newest event time, and the
 * raw event archive of accepted events (null: none).
 * Production wires PostgreSQL and Redis; tests may pass collecting sinks.
 */
public record RollupSinks(Map<Granularity, Sink<Rollup>> tables, Sink<Rollup> live, Sink<DeadLetter> deadLetters,
                          Sink<Correction> corrections, Sink<TenantEventTime> eventTimes, Sink<Event> archive) {

    public RollupSinks {
        for (Granularity granularity : Granularity.values()) {
            if (!tables.containsKey(granularity)) {
                throw new IllegalArgumentException("no table sink for " + granularity);
            }
        }
    }
}
