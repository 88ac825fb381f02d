package io.pulse.serving.query;

import java.util.List;
import java.util.Map;

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

    /** The condition over one series' dimensions, as the engine's SQL reads it (absent passes only NOT). */
    public boolean matches(Map<String, String> dimensions) {
        String value = dimensions.get(dimension);
        return switch (operator) {
            case EQUALS, IN -> value != null && values.contains(value);
            case NOT -> value == null || !values.contains(value);
        };
    }
}
