package io.pulse.serving.query;

import java.util.List;

/**
 * A condition on one dimension: {@code EQUALS} one value, {@code IN} any of the values, {@code NOT} none
 * of them. Dimension keys are bound as SQL parameters, never spliced into SQL.
 */
public record DimensionFilter(String dimension, Operator operator, List<String> values) {

    public enum Operator { EQUALS, IN, NOT }

    public DimensionFilter {
        values = List.copyOf(values);
        if (values.isEmpty() || (operator == Operator.EQUALS && values.size() != 1)) {
            throw new QueryException("a filter needs one value for equals and at least one for in and not");
        }
    }
}
