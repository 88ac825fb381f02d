package io.pulse.serving.query;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Positive;

/**
 * Bounds on what one query may ask for ({@code pulse.query.*}).
 *
 * @param maxPoints points per series; the engine picks a step within it, or refuses the range
 * @param maxGroups groups (series) per answer, the cap of a query's top-N limit
 */
@ConfigurationProperties("pulse.query")
public record QueryLimits(@Bindable(defaultValue = "1000") @Positive int maxPoints,
                          @Bindable(defaultValue = "100") @Positive int maxGroups) {
}
