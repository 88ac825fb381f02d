package io.pulse.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.SeriesKey;
import io.pulse.rollup.testing.DataSet;
import io.pulse.rollup.testing.PipelineScenario;
import io.pulse.rollup.testing.Reference;
import io.pulse.contracts.event.Event;
import io.pulse.rollup.window.SeriesDimensions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The whole pipeline on real RabbitMQ, PostgreSQL and Redis, against independently computed results. */
class RollupPipelineIT {

    @Test
    void storesAndPublishesExactRollupsAndDeadLettersEveryRejection() throws Exception {
        DataSet data = new DataSet(DataSet.hourTwoHoursAgo(), PipelineScenario.SHARDS, 1_500, 100, 15_000, 1);
        try (PipelineScenario scenario = new PipelineScenario("pulse_pipeline")) {
            scenario.start(scenario.job().rabbitMqSources());
            Map<Reference.Window, Reference.Truth> expected = scenario.runMainPhase(data);
            scenario.assertRowsMatch(expected);
            scenario.assertPublicationsMatch(expected);

            // each window's publications arrive with rising versions, so subscribers can drop repeats
            assertThat(scenario.versionsInReceiptOrder().values())
                    .allSatisfy(versions -> assertThat(versions).isSorted().doesNotHaveDuplicates());
            // the recent history per series is capped, newest kept
            SeriesKey series = expected.keySet().stream().map(Reference.Window::key).findFirst().orElseThrow();
            List<String> history = scenario.history(series, Granularity.TEN_SECONDS);
            assertThat(history).hasSize(PipelineScenario.HISTORY_LENGTH);

            await().atMost(Duration.ofSeconds(60)).until(() -> scenario.deadLetters().containsAll(data.rejections));

            // events after their windows closed still count: merged into the stored rows of every granularity,
            // each such row one revision up, republished, and the tenant's corrections counted
            Map<Reference.Window, Integer> revisionsBefore = scenario.publishedRevisions();
            scenario.publish(data.late);
            List<Event> all = new ArrayList<>(data.counted);
            all.addAll(data.lateEvents);
            Map<Reference.Window, Reference.Truth> corrected = scenario.awaitFinalRows(all);
            scenario.assertRowsMatch(corrected);
            scenario.assertPublicationsMatch(corrected);
            Set<Reference.Window> touchedByLateEvents = Reference.of(data.lateEvents, SeriesDimensions.DEFAULT).keySet();
            Map<Reference.Window, Integer> revisionsAfter = scenario.publishedRevisions();
            revisionsAfter.forEach((window, revision) -> {
                if (touchedByLateEvents.contains(window)) {
                    assertThat(revision).as(window + " corrected").isGreaterThan(revisionsBefore.getOrDefault(window, -1));
                } else {
                    assertThat(revision).as(window + " untouched").isEqualTo(revisionsBefore.get(window));
                }
            });
            assertThat(scenario.count("SELECT max(revision) FROM rollup_1h WHERE tenant = 'acme'")).isPositive();
            assertThat(scenario.count("SELECT late_events FROM tenant_corrections WHERE tenant = 'acme'"))
                    .isEqualTo(data.lateEvents.size());
            assertThat(scenario.count("SELECT count(*) FROM tenant_corrections WHERE tenant = 'globex'")).isZero();
        }
    }
}
