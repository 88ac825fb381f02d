package io.pulse.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.SeriesKey;
import io.pulse.rollup.testing.DataSet;
import io.pulse.rollup.testing.PipelineScenario;
import io.pulse.rollup.testing.Reference;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The whole pipeline on real RabbitMQ, PostgreSQL and Redis, against independently computed results. */
class RollupPipelineIT {

    private static long hourTwoHoursAgo() {
        long hour = 3_600_000L;
        return Math.floorDiv(System.currentTimeMillis(), hour) * hour - 2 * hour;
    }

    @Test
    void storesAndPublishesExactRollupsAndDeadLettersEveryRejection() throws Exception {
        DataSet data = new DataSet(hourTwoHoursAgo(), PipelineScenario.SHARDS, 1_500, 100, 15_000, 1);
        try (PipelineScenario scenario = new PipelineScenario("pulse_pipeline")) {
            scenario.start(scenario.job().rabbitMqSources());
            Map<Reference.Window, Reference.Truth> expected = scenario.runMainPhase(data);
            scenario.assertRowsMatch(expected);
            scenario.assertPublicationsMatch(expected);

            // each series' publications arrive with rising versions, so subscribers can drop repeats
            assertThat(scenario.versionsInReceiptOrder().values())
                    .allSatisfy(versions -> assertThat(versions).isSorted().doesNotHaveDuplicates());
            // the recent history per series is capped, newest kept
            SeriesKey series = expected.keySet().stream().map(Reference.Window::key).findFirst().orElseThrow();
            List<String> history = scenario.history(series, Granularity.TEN_SECONDS);
            assertThat(history).hasSize(PipelineScenario.HISTORY_LENGTH);

            // events after their window closed are dead-lettered one by one and change nothing
            scenario.publish(data.late);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> scenario.deadLetters().containsAll(data.rejections));
            assertThat(scenario.count("SELECT count(*) FROM dead_letter WHERE reason = 'late'"))
                    .isEqualTo(data.lateEvents);
            scenario.assertRowsMatch(expected);
        }
    }
}
