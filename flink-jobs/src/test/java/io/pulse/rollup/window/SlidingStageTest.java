package io.pulse.rollup.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.contracts.event.Event;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.Rollup;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.rollup.SeriesKey;
import io.pulse.rollup.testing.Aggregates;
import io.pulse.rollup.testing.Harnesses;
import io.pulse.rollup.testing.Reference;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SlidingStageTest {

    private static final long LATENESS = 20_000;
    private static final long PANE = 10_000;
    private static final SeriesKey KEY = SeriesKey.of("acme", "latency", Map.of());
    private static final long T0 = 1_700_000_040_000L;
    private static final Granularity SLIDING = Granularity.SLIDING_FIVE_MINUTES;

    private KeyedOneInputStreamOperatorTestHarness<SeriesKey, Rollup, Rollup> harness;

    @BeforeEach
    void open() throws Exception {
        harness = Harnesses.keyed(new SlidingStage(SLIDING, LATENESS), Rollup::key, SeriesKey.class);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    /** Sends a pane as the 10 s stage would: the full pane, just before the watermark passes its end. */
    private void sendPane(long paneStart, int revision, RollupAggregate aggregate) throws Exception {
        harness.processElement(new Rollup(KEY, Granularity.TEN_SECONDS, paneStart, revision, 0, aggregate),
                paneStart + PANE - 1);
    }

    @Test
    void slidingFromPanesEqualsTheDirectSlidingComputation() throws Exception {
        // 8 minutes of events with a 2-minute gap, so windows also open and close on empty panes
        Random random = new Random(42);
        List<Event> events = new java.util.ArrayList<>(
                Aggregates.events(random, "acme", "latency", Map.of(), T0, 180_000, 4_000));
        events.addAll(Aggregates.events(random, "acme", "latency", Map.of(), T0 + 300_000, 180_000, 4_000));
        for (long pane = T0; pane < T0 + 480_000; pane += PANE) {
            RollupAggregate aggregate = Aggregates.of(events, pane, pane + PANE);
            if (aggregate.count() > 0) {
                sendPane(pane, 0, aggregate);
            }
            harness.processWatermark(pane + PANE - 1);
        }
        harness.processWatermark(Long.MAX_VALUE - 1);

        Map<Reference.Window, Reference.Truth> expected = Reference.of(events, SeriesDimensions.DEFAULT);
        TreeSet<Long> expectedStarts = new TreeSet<>();
        expected.keySet().stream().filter(w -> w.granularity() == SLIDING).forEach(w -> expectedStarts.add(w.bucketStart()));
        List<Rollup> out = harness.extractOutputValues();
        assertThat(out).extracting(Rollup::bucketStart).containsExactlyElementsOf(expectedStarts);
        for (Rollup window : out) {
            assertThat(window.revision()).isZero();
            expected.get(new Reference.Window(SLIDING, KEY, window.bucketStart()))
                    .assertMatches(window.aggregate(), "window at " + window.bucketStart());
            RollupAggregate direct = Aggregates.of(events, window.bucketStart(), window.bucketEnd());
            assertThat(window.aggregate().quantile(0.99)).isEqualTo(direct.quantile(0.99));
        }
        assertThat(out).extracting(Rollup::version).isSorted().doesNotHaveDuplicates();
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aCorrectedPaneReEmitsTheWindowsThatAlreadyFiredWithIt() throws Exception {
        sendPane(T0, 0, aggregate(1, 2));
        harness.processWatermark(T0 + PANE - 1);
        sendPane(T0 + PANE, 0, aggregate(10));
        harness.processWatermark(T0 + 2 * PANE - 1);
        assertThat(harness.extractOutputValues()).extracting(r -> r.aggregate().count()).containsExactly(2L, 3L);

        sendPane(T0, 1, aggregate(1, 2, 3)); // late event corrected the first pane
        List<Rollup> out = harness.extractOutputValues();
        assertThat(out).hasSize(4);
        assertThat(out.subList(2, 4)).allSatisfy(r -> assertThat(r.revision()).isEqualTo(1))
                .extracting(r -> r.aggregate().count()).containsExactly(3L, 4L);
    }

    private static RollupAggregate aggregate(double... values) {
        RollupAggregate aggregate = new RollupAggregate();
        for (double value : values) {
            aggregate.add(value, null);
        }
        return aggregate;
    }
}
