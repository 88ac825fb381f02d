package io.pulse.rollup.eventtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

/** The event-time logic under a clock moved by hand: no waiting, no wall clock. */
class WallClockBoundedWatermarksTest {

    private static final long OUT_OF_ORDERNESS = 2_000;
    private static final long MAX_LAG = 30_000;
    private static final long IDLENESS = 5_000;

    private long now = 1_700_000_000_000L;
    private final List<Long> emitted = new ArrayList<>();
    private final WatermarkOutput output = new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark watermark) {
            emitted.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {
        }

        @Override
        public void markActive() {
        }
    };
    private final WallClockBoundedWatermarks<String> watermarks =
            new WallClockBoundedWatermarks<>(OUT_OF_ORDERNESS, MAX_LAG, IDLENESS, () -> now);

    private long emit() {
        watermarks.onPeriodicEmit(output);
        return emitted.get(emitted.size() - 1);
    }

    @Test
    void trailsTheNewestEventByTheOutOfOrderness() {
        watermarks.onEvent("e", now - 5_000, output);
        assertThat(emit()).isEqualTo(now - 5_000 - OUT_OF_ORDERNESS - 1);
    }

    /** Issue 9, case 1: an event four minutes ahead must not move event time past the wall clock. */
    @Test
    void anEventFromAClockAheadMovesEventTimeOnlyUpToTheWallClock() {
        watermarks.onEvent("ahead", now + 240_000, output);
        assertThat(emit()).isEqualTo(now - OUT_OF_ORDERNESS - 1);
        now += 1_000; // the clamp is the wall clock at arrival: time passing alone does not let it run ahead
        assertThat(emit()).isEqualTo(now - 1_000 - OUT_OF_ORDERNESS - 1);
        watermarks.onEvent("on time", now, output);
        assertThat(emit()).isEqualTo(now - OUT_OF_ORDERNESS - 1);
    }

    /** Issue 9, case 2: a shard whose producers lag holds back everyone's windows at most the max lag. */
    @Test
    void aLaggingShardHoldsEventTimeBackAtMostTheMaxLag() {
        assertThat(emit()).as("just started, no event yet: a backlog may be coming").isEqualTo(now - MAX_LAG);
        watermarks.onEvent("an hour old", now - 3_600_000, output);
        assertThat(emit()).isEqualTo(now - MAX_LAG);
        now += 4_000;
        watermarks.onEvent("an hour old", now - 3_600_000, output);
        assertThat(emit()).isEqualTo(now - MAX_LAG);
    }

    /** Quiet shards have nothing pending: they neither hold back busy ones nor, all quiet, the last windows. */
    @Test
    void aQuietShardFollowsTheWallClock() {
        long eventTime = now - 20_000;
        watermarks.onEvent("e", eventTime, output);
        now += IDLENESS - 1;
        assertThat(emit()).isEqualTo(eventTime - OUT_OF_ORDERNESS - 1);
        now += 1;
        assertThat(emit()).isEqualTo(now - OUT_OF_ORDERNESS - 1);
        now += 60_000;
        assertThat(emit()).isEqualTo(now - OUT_OF_ORDERNESS - 1);
        watermarks.onEvent("an hour old", now - 3_600_000, output);
        long whileQuiet = emitted.get(emitted.size() - 1);
        watermarks.onPeriodicEmit(output);
        assertThat(emitted.get(emitted.size() - 1)).as("never back").isEqualTo(whileQuiet);
    }

    @Test
    void neverGoesBackwards() {
        watermarks.onEvent("e", now, output);
        long first = emit();
        watermarks.onEvent("older", now - 10_000, output);
        watermarks.onPeriodicEmit(output);
        assertThat(emitted).containsExactly(first);
    }
}
