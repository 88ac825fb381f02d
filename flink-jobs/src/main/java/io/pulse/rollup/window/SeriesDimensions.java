package io.pulse.rollup.window;

import io.pulse.contracts.event.Event;
import io.pulse.contracts.rollup.SeriesKey;
import java.io.Serializable;

/**
 * Splits an event's dimensions into the series key and the value counted distinct. Every dimension
 * except the distinct one is a series dimension: a high-cardinality label such as the user must be the
 * distinct dimension, or each user would become a series.
 */
public record SeriesDimensions(String distinctDimension) implements Serializable {

    public static final SeriesDimensions DEFAULT = new SeriesDimensions("user");

    public SeriesKey seriesOf(Event event) {
        return SeriesKey.of(event.tenant(), event.metric(), event.dimensions(), distinctDimension);
    }

    public String distinctValueOf(Event event) {
        return event.dimensions().get(distinctDimension);
    }
}
