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
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TumblingStageTest {

    private static final long LATENESS = 30_000;
    private static final SeriesKey KEY = SeriesKey.of("acme", "latency", Map.of("region", "eu"));
    private static final long T0 = 1_700_000_040_000L; // a minute boundary

    private KeyedOneInputStreamOperatorTestHarness<SeriesKey, Partial, Rollup> harness;

    private void open(Granularity granularity) throws Exception {
        harness = Harnesses.keyed(new TumblingStage(granularity, LATENESS), Partial::key, SeriesKey.class);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void send(long timestamp, RollupAggregate aggregate) throws Exception {
        harness.processElement(new Partial(KEY, timestamp, aggregate), timestamp);
    }

    @Test
    void oneMinuteMergedFromSixPanesEqualsTheMinuteComputedDirectly() throws Exception {
        open(Granularity.ONE_MINUTE);
        List<Event> events = Aggregates.events(new Random(5), "acme", "latency", Map.of("region", "eu"),
                T0, 60_000, 3_000);
        for (long pane = T0; pane < T0 + 60_000; pane += 10_000) {
            send(pane, Aggregates.of(events, pane, pane + 10_000));
        }
        harness.processWatermark(T0 + 60_000 - 2);
        assertThat(harness.extractOutputValues()).isEmpty();
        harness.processWatermark(T0 + 60_000 - 1);

        List<Rollup> out = harness.extractOutputValues();
        assertThat(out).singleElement().satisfies(rollup -> {
            assertThat(rollup.bucketStart()).isEqualTo(T0);
            assertThat(rollup.revision()).isZero();
            RollupAggregate direct = Aggregates.of(events, T0, T0 + 60_000);
            for (double q : new double[] {0.5, 0.9, 0.95, 0.99}) {
                assertThat(rollup.aggregate().quantile(q)).isEqualTo(direct.quantile(q));
            }
            Reference.of(events, SeriesDimensions.DEFAULT)
                    .get(new Reference.Window(Granularity.ONE_MINUTE, KEY, T0))
                    .assertMatches(rollup.aggregate(), "1 min");
        });
    }

    @Test
    void outOfOrderPartialsBeforeTheWatermarkCountOnTimeAndLateOnesCorrectTheWindow() throws Exception {
        open(Granularity.TEN_SECONDS);
        RollupAggregate first = one(7);
        RollupAggregate outOfOrder = one(3);
        send(T0 + 9_000, first);
        send(T0 + 1_000, outOfOrder); // earlier event time, same window, before the watermark: on time
        harness.processWatermark(T0 + 9_999);
        RollupAggregate late = one(100);
        send(T0 + 5_000, late); // after the window fired, within lateness: a correction
        harness.processWatermark(T0 + 12_000);

        List<Rollup> out = harness.extractOutputValues();
        assertThat(out).extracting(Rollup::revision).containsExactly(0, 1);
        assertThat(out.get(0).aggregate().count()).isEqualTo(2);
        assertThat(out.get(1).aggregate().count()).isEqualTo(3);
        assertThat(out.get(1).aggregate().max()).isEqualTo(100);
        assertThat(out.get(1).version()).isGreaterThan(out.get(0).version());
        // the next stage gets the whole window first, then only what the correction added
        assertThat(harness.getSideOutput(TumblingStage.DELTAS)).extracting(r -> r.getValue().aggregate().count())
                .containsExactly(2L, 1L);
    }

    @Test
    void afterTheLatenessAWindowIsGoneStateAndTimersIncludedAndLaterPartialsCorrectItsStoredRow() throws Exception {
        open(Granularity.TEN_SECONDS);
        send(T0 + 1_000, one(1));
        send(T0 + 11_000, one(2));
        assertThat(harness.numKeyedStateEntries()).isPositive();
        harness.processWatermark(T0 + 20_000 + LATENESS);
        assertThat(harness.extractOutputValues()).hasSize(2);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();

        send(T0 + 2_000, one(5));
        assertThat(harness.extractOutputValues()).hasSize(2);
        // counted all the same: the stored row takes it, with a version above the stage's last one ...
        assertThat(harness.getSideOutput(RollupStage.CORRECTIONS)).extracting(StreamRecord::getValue)
                .singleElement().satisfies(correction -> {
                    assertThat(correction.bucketStart()).isEqualTo(T0);
                    assertThat(correction.delta().count()).isOne();
                    assertThat(correction.delta().max()).isEqualTo(5);
                    assertThat(correction.version()).isGreaterThan(harness.extractOutputValues().get(1).version());
                });
        // ... and the coarser stages get it as a delta, as they get every other addition
        assertThat(harness.getSideOutput(TumblingStage.DELTAS)).extracting(StreamRecord::getValue)
                .last().satisfies(delta -> assertThat(delta.aggregate().max()).isEqualTo(5));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void versionsKeepRisingAfterAnIdleSeriesLostItsState() throws Exception {
        open(Granularity.TEN_SECONDS);
        send(T0, one(1));
        harness.processWatermark(T0 + 10_000 + LATENESS);
        assertThat(harness.numKeyedStateEntries()).isZero();
        send(T0 + 100_000, one(1));
        harness.processWatermark(T0 + 110_000);
        List<Rollup> out = harness.extractOutputValues();
        assertThat(out).hasSize(2);
        assertThat(out.get(1).version()).isGreaterThan(out.get(0).version());
    }

    private static RollupAggregate one(double value) {
        RollupAggregate aggregate = new RollupAggregate();
        aggregate.add(value, "u");
        return aggregate;
    }

    /**
     * Flink does not checkpoint watermarks: after a recovery a stage sees none until the sources emit
     * again. A partial for a window written and cleaned up before the checkpoint must still correct its
     * stored row, not open the window afresh (its full state would then lose to the stored row).
     */
    @Test
    void afterARestoreAWindowCleanedUpBeforeTheCheckpointStaysClosed() throws Exception {
        open(Granularity.TEN_SECONDS);
        send(T0 + 1_000, one(1));
        harness.processWatermark(T0 + 10_000 + LATENESS);
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        harness = Harnesses.keyed(new TumblingStage(Granularity.TEN_SECONDS, LATENESS), Partial::key, SeriesKey.class,
                snapshot);
        send(T0 + 2_000, one(5)); // before any watermark of the new run
        assertThat(harness.getSideOutput(RollupStage.CORRECTIONS)).extracting(r -> r.getValue().delta().count())
                .containsExactly(1L);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }
}
