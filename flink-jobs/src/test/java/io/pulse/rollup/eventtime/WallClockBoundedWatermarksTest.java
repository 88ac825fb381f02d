package io.pulse.rollup.eventtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

/**
 * The event-time logic under a clock moved by hand: no waiting, no wall clock. Each record here is its
 * message's sending time (its AMQP timestamp, 0 for none), handed over with the event's own time.
 */
class WallClockBoundedWatermarksTest {

    private static final long OUT_OF_ORDERNESS = 2_000;
    private static final long MAX_LAG = 30_000;
    private static final long MAX_BACKLOG = 600_000;
    private static final long IDLENESS = 5_000;
    private static final long UNSTAMPED = 0;

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
    private final WallClockBoundedWatermarks<Long> watermarks = new WallClockBoundedWatermarks<>(OUT_OF_ORDERNESS,
            MAX_LAG, MAX_BACKLOG, IDLENESS, () -> now, sentAt -> sentAt);

    private void receive(long sentAt, long eventTime) {
        watermarks.onEvent(sentAt, eventTime, output);
    }

    private long emit() {
        watermarks.onPeriodicEmit(output);
        return emitted.get(emitted.size() - 1);
    }

    @Test
    void trailsTheNewestEventByTheOutOfOrderness() {
        receive(now, now - 5_000);
        assertThat(emit()).isEqualTo(now - 5_000 - OUT_OF_ORDERNESS - 1);
    }

    /** Issue 9, case 1: an event four minutes ahead must not move event time past its sending. */
    @Test
    void anEventFromAClockAheadMovesEventTimeOnlyUpToItsSending() {
        receive(now, now + 240_000);
        assertThat(emit()).isEqualTo(now - OUT_OF_ORDERNESS - 1);
        now += 1_000; // the clamp is the sending: time passing alone does not let it run ahead
        assertThat(emit()).isEqualTo(now - 1_000 - OUT_OF_ORDERNESS - 1);
        receive(now, now);
        assertThat(emit()).isEqualTo(now - OUT_OF_ORDERNESS - 1);
    }

    @Test
    void aSendingTimeFromTheFutureCountsAsNow() {
        receive(now + 240_000, now + 240_000);
        assertThat(emit()).isEqualTo(now - OUT_OF_ORDERNESS - 1);
        receive(UNSTAMPED, now + 240_000);
        assertThat(emit()).isEqualTo(now - OUT_OF_ORDERNESS - 1);
    }

    /** Issue 9, case 2: a shard whose producers lag holds back everyone's windows at most the max lag. */
    @Test
    void aLaggingShardHoldsEventTimeBackAtMostTheMaxLag() {
        receive(now, now - 3_600_000);
        assertThat(emit()).isEqualTo(now - MAX_LAG);
        now += 4_000;
        receive(UNSTAMPED, now - 3_600_000);
        assertThat(emit()).as("a message without a timestamp counts as sent now").isEqualTo(now - MAX_LAG);
    }

    /**
     * A backlog of the job's own (messages sent five minutes ago, read only now) keeps its event time: its
     * events are on time for the watermark, not late, so they do not all become corrections.
     */
    @Test
    void aBacklogOfTheJobsOwnKeepsItsEventTime() {
        long sent = now - 300_000;
        receive(sent, sent - 100);
        long watermark = emit();
        assertThat(watermark).isEqualTo(sent - 100 - OUT_OF_ORDERNESS - 1);
        now += 1_000;
        receive(sent + 50, sent);
        assertThat(watermark).as("the next backlog event is on time").isLessThan(sent);
        assertThat(emit()).isEqualTo(sent - OUT_OF_ORDERNESS - 1);
    }

    @Test
    void aSendingTimeIsBelievedBackToTheMaxBacklogOnly() {
        receive(now - 7_200_000, now - 7_200_000);
        assertThat(emit()).isEqualTo(now - MAX_BACKLOG - MAX_LAG);
    }

    /** Quiet shards have nothing pending: they neither hold back busy ones nor, all quiet, the last windows. */
    @Test
    void aQuietShardFollowsTheWallClock() {
        long eventTime = now - 20_000;
        receive(now, eventTime);
        now += IDLENESS - 1;
        assertThat(emit()).isEqualTo(eventTime - OUT_OF_ORDERNESS - 1);
        now += 1;
        assertThat(emit()).isEqualTo(now - OUT_OF_ORDERNESS - 1);
        now += 60_000;
        assertThat(emit()).isEqualTo(now - OUT_OF_ORDERNESS - 1);
        receive(now, now - 3_600_000);
        long whileQuiet = emitted.get(emitted.size() - 1);
        watermarks.onPeriodicEmit(output);
        assertThat(emitted.get(emitted.size() - 1)).as("never back").isEqualTo(whileQuiet);
    }

    /**
     * A shard reading a backlog that stops delivering (blocked by backpressure, or drained) moves on from
     * its backlog's time, not from the wall clock: the backlog still queued is not all made late at once.
     */
    @Test
    void aShardStalledInABacklogMovesOnFromTheBacklogsTime() {
        long sent = now - 300_000;
        receive(sent, sent);
        now += IDLENESS;
        assertThat(emit()).isEqualTo(sent + IDLENESS - OUT_OF_ORDERNESS - 1);
        now += 20_000;
        assertThat(emit()).isEqualTo(sent + IDLENESS + 20_000 - OUT_OF_ORDERNESS - 1);
    }

    @Test
    void aShardJustStartedWaitsForItsFirstEventOrItsIdleness() {
        watermarks.onPeriodicEmit(output);
        assertThat(emitted).as("a backlog may be coming").isEmpty();
        now += IDLENESS;
        assertThat(emit()).isEqualTo(now - OUT_OF_ORDERNESS - 1);
    }

    @Test
    void neverGoesBackwards() {
        receive(now, now);
        long first = emit();
        receive(now, now - 10_000);
        watermarks.onPeriodicEmit(output);
        assertThat(emitted).containsExactly(first);
    }
}
