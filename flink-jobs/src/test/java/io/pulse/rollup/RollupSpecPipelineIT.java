package io.pulse.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.contracts.rollup.Granularity;
import io.pulse.rollup.testing.DataSet;
import io.pulse.rollup.testing.PipelineScenario;
import io.pulse.rollup.testing.Reference;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A rollup other than the default, run by the real job on real RabbitMQ, PostgreSQL and Redis: only
 * its tenants and metrics are counted, its series keep only the region (and the shard the sentinels
 * carry), not the device, only its windows are written, and it keeps no quantiles.
 */
class RollupSpecPipelineIT {

    private static final String SPEC = """
            {"name": "regional-latency", "version": 1,
             "source": {"tenants": ["acme", "sentinel"], "metrics": ["lat*", "tick"]},
             "series": {"dimensions": ["region", "shard"], "distinct": "user"},
             "windows": {"tumbling": ["10s", "1h"]},
             "aggregates": ["count", "sum", "min", "max", "mean", "distinct"],
             "allowedLateness": "30s"}""";

    @Test
    void countsOnlyWhatTheSpecSelectsInItsSeriesAndWindows() throws Exception {
        long start = DataSet.hourTwoHoursAgo();
        DataSet data = new DataSet(start, PipelineScenario.SHARDS, 600, 100, 6_000, 2);
        try (PipelineScenario scenario = new PipelineScenario("pulse_spec", Duration.ofHours(24), SPEC)) {
            scenario.start(scenario.job().rabbitMqSources());
            Map<Reference.Window, Reference.Truth> expected = scenario.runMainPhase(data);

            scenario.assertRowsMatch(expected);
            scenario.assertPublicationsMatch(expected);
            assertThat(expected.keySet()).extracting(Reference.Window::granularity)
                    .containsOnly(Granularity.TEN_SECONDS, Granularity.ONE_HOUR);
            assertThat(expected.keySet()).allSatisfy(window -> {
                assertThat(window.key().tenant()).isEqualTo("acme");
                assertThat(window.key().metric()).isEqualTo("latency");
                assertThat(window.key().dimensions()).containsOnlyKeys("region");
            });
            assertThat(scenario.count("SELECT count(*) FROM rollup_1m")).isZero();
            assertThat(scenario.count("SELECT count(*) FROM rollup_10s WHERE tenant = 'globex' OR metric = 'bytes'")).isZero();
        }
    }
}
