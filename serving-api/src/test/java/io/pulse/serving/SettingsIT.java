package io.pulse.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import io.pulse.contracts.testing.TestServices;
import io.pulse.serving.cache.CacheSettings;
import io.pulse.serving.graphql.GraphQLSettings;
import io.pulse.serving.query.QueryLimits;
import io.pulse.serving.security.RateLimitSettings;
import io.pulse.serving.stream.StreamSettings;
import io.pulse.serving.testing.ServingProperties;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The typed settings bind their documented defaults, take overrides and refuse nonsense. */
class SettingsIT {

    private static final TestServices.Postgres POSTGRES = TestServices.postgres();
    private static String url;

    @BeforeAll
    static void database() {
        url = POSTGRES.createDatabase("pulse_settings");
    }

    @AfterAll
    static void drop() {
        POSTGRES.dropDatabase(url);
    }

    private static ApplicationContext run(Map<String, Object> properties) {
        Map<String, Object> all = new HashMap<>(properties);
        all.put("pulse.schema.manage", false);
        return ApplicationContext.run(ServingProperties.forDatabase(url, all));
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        try (ApplicationContext context = run(Map.of())) {
            assertThat(context.getBean(QueryLimits.class)).isEqualTo(new QueryLimits(1000, 100));
            assertThat(context.getBean(CacheSettings.class)).isEqualTo(new CacheSettings(86_400, 30, 90, 60, 64));
            assertThat(context.getBean(StreamSettings.class)).isEqualTo(new StreamSettings(15, 20, 20_000, 64, 10, 50, 60, 5));
            assertThat(context.getBean(GraphQLSettings.class)).isEqualTo(new GraphQLSettings(8, 200));
            assertThat(context.getBean(RateLimitSettings.class))
                    .isEqualTo(new RateLimitSettings(true, 3000, 12000, 12000, 24000, 120, 600, 60, 60, 600, 20, 30));
        }
    }

    @Test
    void overridesBind() {
        try (ApplicationContext context = run(Map.of("pulse.query.max-points", 7, "pulse.query.max-groups", 3,
                "pulse.stream.buffer-frames", 5, "pulse.graphql.max-complexity", 50))) {
            assertThat(context.getBean(QueryLimits.class)).isEqualTo(new QueryLimits(7, 3));
            assertThat(context.getBean(StreamSettings.class).bufferFrames()).isEqualTo(5);
            assertThat(context.getBean(GraphQLSettings.class).maxComplexity()).isEqualTo(50);
        }
    }

    @Test
    void nonPositiveLimitsAreRefused() {
        // the socket endpoints are created at start-up, so a service with nonsense limits does not start
        assertThatThrownBy(() -> run(Map.of("pulse.query.max-points", 0)).close()).hasMessageContaining("maxPoints");
        assertThatThrownBy(() -> run(Map.of("pulse.stream.slow-close-seconds", -1)).close())
                .hasMessageContaining("slowCloseSeconds");
    }
}
