package io.pulse.rollup.window;

import io.pulse.contracts.event.Event;
import io.pulse.contracts.rollup.SeriesKey;
import io.pulse.contracts.spec.Aggregate;
import io.pulse.contracts.spec.RollupSpec;
import io.pulse.contracts.spec.RollupSpecs;
import java.io.Serializable;

/**
 * Splits an event's dimensions into the series key and the value counted distinct, as the rollup spec
 * says: its series dimensions (by default every one but the distinct dimension) and its distinct
 * dimension, which a high-cardinality label such as the user must be, or each user would become a series.
 *
 * @param countsDistinct whether the spec computes the distinct aggregate; if not, no value is counted
 * @param quantiles      whether values feed the quantile sketch
 */
public record SeriesDimensions(RollupSpec.Series series, boolean countsDistinct, boolean quantiles)
        implements Serializable {

    public static final SeriesDimensions DEFAULT = of(RollupSpecs.defaultSpec());

    public static SeriesDimensions of(RollupSpec spec) {
        return new SeriesDimensions(spec.series(), spec.computes(Aggregate.DISTINCT), spec.computes(Aggregate.QUANTILES));
    }

    public SeriesKey seriesOf(Event event) {
        return series.keyOf(event);
    }

    public String distinctValueOf(Event event) {
        return countsDistinct ? event.dimensions().get(series.distinct()) : null;
    }
}
