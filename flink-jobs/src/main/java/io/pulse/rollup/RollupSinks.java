package io.pulse.rollup;

import io.pulse.contracts.deadletter.DeadLetter;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.Rollup;
import java.util.Map;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * Where the job's results go: one table sink per granularity, the live (Redis) sink for all results, and
 * the dead-letter sink. Production wires PostgreSQL and Redis; tests may pass collecting sinks.
 */
public record RollupSinks(Map<Granularity, Sink<Rollup>> tables, Sink<Rollup> live, Sink<DeadLetter> deadLetters) {

    public RollupSinks {
        for (Granularity granularity : Granularity.values()) {
            if (!tables.containsKey(granularity)) {
                throw new IllegalArgumentException("no table sink for " + granularity);
            }
        }
    }
}
