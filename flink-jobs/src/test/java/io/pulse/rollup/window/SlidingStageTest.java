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

    private KeyedOneInputStreamOperatorTestHarness<SeriesKey, Partial, Rollup> harness;

    @BeforeEach
    void open() throws Exception {
        harness = Harnesses.keyed(new SlidingStage(SLIDING, LATENESS), Partial::key, SeriesKey.class);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    /** Sends what the 10 s stage adds to a pane: all of it when it fires, then each correction. */
    private void sendDelta(long paneStart, RollupAggregate delta) throws Exception {
        harness.processElement(new Partial(KEY, paneStart, delta), paneStart + PANE - 1);
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
                sendDelta(pane, aggregate);
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
        sendDelta(T0, aggregate(1, 2));
        harness.processWatermark(T0 + PANE - 1);
        sendDelta(T0 + PANE, aggregate(10));
        harness.processWatermark(T0 + 2 * PANE - 1);
        assertThat(harness.extractOutputValues()).extracting(r -> r.aggregate().count()).containsExactly(2L, 3L);

        sendDelta(T0, aggregate(3)); // late event corrected the first pane
        List<Rollup> out = harness.extractOutputValues();
        assertThat(out).hasSize(4);
        assertThat(out.subList(2, 4)).allSatisfy(r -> assertThat(r.revision()).isEqualTo(1))
                .extracting(r -> r.aggregate().count()).containsExactly(3L, 4L);
    }

    @Test
    void aDeltaForClosedWindowsCorrectsTheirRowsAndReEmitsTheOpenOnes() throws Exception {
        sendDelta(T0, aggregate(1));
        // the windows ending at T0+10 s and T0+20 s are past their lateness; the other 28 are open
        long watermark = T0 + 2 * PANE + LATENESS;
        harness.processWatermark(watermark);
        int fired = harness.extractOutputValues().size();
        assertThat(fired).isEqualTo(4); // windows ending T0+10 s .. T0+40 s have fired

        sendDelta(T0, aggregate(7));
        assertThat(harness.getSideOutput(RollupStage.CORRECTIONS)).extracting(r -> r.getValue().bucketStart())
                .containsExactly(T0 + PANE - SLIDING.sizeMillis(), T0 + 2 * PANE - SLIDING.sizeMillis());
        List<Rollup> reEmitted = harness.extractOutputValues().subList(fired, harness.extractOutputValues().size());
        assertThat(reEmitted).extracting(Rollup::bucketEnd).containsExactly(T0 + 3 * PANE, T0 + 4 * PANE);
        assertThat(reEmitted).allSatisfy(r -> assertThat(r.aggregate().count()).isEqualTo(2));

        harness.processWatermark(Long.MAX_VALUE - 1);
        assertThat(harness.extractOutputValues()).filteredOn(r -> r.bucketEnd() == T0 + SLIDING.sizeMillis())
                .singleElement().satisfies(r -> assertThat(r.aggregate().count()).isEqualTo(2));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    private static RollupAggregate aggregate(double... values) {
        RollupAggregate aggregate = new RollupAggregate();
        for (double value : values) {
            aggregate.add(value, null);
        }
        return aggregate;
    }
}
