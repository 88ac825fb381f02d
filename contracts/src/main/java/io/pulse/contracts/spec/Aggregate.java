package io.pulse.contracts.spec;

import java.util.Arrays;
import java.util.Optional;

/** What a rollup can compute per window. */
public enum Aggregate {
    COUNT, SUM, MIN, MAX, MEAN,
    /** DDSketch quantiles at the spec's relative accuracy. */
    QUANTILES,
    /** HyperLogLog distinct count of the series' distinct dimension. */
    DISTINCT;

    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Optional<Aggregate> ofCode(String code) {
        return Arrays.stream(values()).filter(aggregate -> aggregate.code().equals(code)).findFirst();
    }
}
