package io.pulse.rollup.parse;

import io.pulse.contracts.spec.RollupSpec;
import org.apache.flink.api.common.functions.FilterFunction;

/** Keeps the events the rollup's spec selects (tenants, metric patterns, dimension filters); the rest are not its to count. */
public final class SelectEvents implements FilterFunction<SentEvent> {

    private final RollupSpec.Source source;

    public SelectEvents(RollupSpec.Source source) {
        this.source = source;
    }

    @Override
    public boolean filter(SentEvent sent) {
        return source.selects(sent.event());
    }
}
