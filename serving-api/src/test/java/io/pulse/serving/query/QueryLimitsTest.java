package io.pulse.serving.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import io.pulse.serving.testing.ServingProperties;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryLimitsTest {

    @Test
    void defaultsAndOverridesBind() {
        try (ApplicationContext context = ApplicationContext.run(ServingProperties.withSecret(Map.of()))) {
            assertThat(context.getBean(QueryLimits.class)).isEqualTo(new QueryLimits(1000, 100));
        }
        try (ApplicationContext context = ApplicationContext.run(ServingProperties.withSecret(Map.of(
                "pulse.query.max-points", 7, "pulse.query.max-groups", 3)))) {
            assertThat(context.getBean(QueryLimits.class)).isEqualTo(new QueryLimits(7, 3));
        }
    }

    @Test
    void nonPositiveLimitsAreRefused() {
        try (ApplicationContext context = ApplicationContext.run(ServingProperties.withSecret(
                Map.of("pulse.query.max-points", 0)))) {
            assertThatThrownBy(() -> context.getBean(QueryLimits.class)).hasMessageContaining("maxPoints");
        }
    }
}
