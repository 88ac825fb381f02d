package io.pulse.serving.graphql;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Positive;

/**
 * Limits on one GraphQL operation ({@code pulse.graphql.*}).
 *
 * @param maxDepth      deepest field nesting accepted
 * @param maxComplexity sum of field costs accepted: 1 per field, {@link GraphQLFactory#QUERY_FIELD_COST}
 *                      per field that runs a database query
 */
@ConfigurationProperties("pulse.graphql")
public record GraphQLSettings(@Bindable(defaultValue = "8") @Positive int maxDepth,
                              @Bindable(defaultValue = "200") @Positive int maxComplexity) {
}
