package io.pulse.rollup.window;

import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.Rollup;
import io.pulse.contracts.rollup.RollupAggregate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.util.Collector;

/**
 * A sliding window (5 min advancing every 10 s) assembled from the full 10 s pane results: each pane
 * is kept once and merged into the windows that cover it when they fire, instead of copying every event
 * into 30 overlapping windows. A corrected pane replaces the stored one and re-emits the windows that
 * already fired with it.
 */
public final class SlidingStage extends RollupStage<Rollup> {

    private static final long serialVersionUID = 1L;

    public SlidingStage(Granularity granularity, long allowedLatenessMillis) {
        super(granularity, allowedLatenessMillis);
        if (granularity.sizeMillis() % granularity.slideMillis() != 0
                || allowedLatenessMillis % granularity.slideMillis() != 0) {
            throw new IllegalArgumentException("size and lateness must be multiples of the slide");
        }
    }

    /** A pane is needed until no window holding it can change any more. Ends in 000: never a fire time. */
    private long cleanupTime(long paneStart) {
        return paneStart + granularity.sizeMillis() + granularity.slideMillis() + allowedLatenessMillis;
    }

    @Override
    public void processElement(Rollup pane, Context ctx, Collector<Rollup> out) throws Exception {
        long paneStart = pane.bucketStart();
        aggregates.put(paneStart, pane.aggregate());
        long watermark = ctx.timerService().currentWatermark();
        long slide = granularity.slideMillis();
        for (long end = paneStart + slide; end <= paneStart + granularity.sizeMillis(); end += slide) {
            if (end - 1 <= watermark) {
                emit(end, watermark, ctx, out);
            } else {
                ctx.timerService().registerEventTimeTimer(end - 1);
            }
        }
        ctx.timerService().registerEventTimeTimer(cleanupTime(paneStart));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Rollup> out) throws Exception {
        if (Math.floorMod(timestamp + 1, granularity.slideMillis()) == 0) {
            emit(timestamp + 1, timestamp, ctx, out);
            return;
        }
        Iterator<Map.Entry<Long, RollupAggregate>> panes = aggregates.iterator();
        while (panes.hasNext()) {
            if (cleanupTime(panes.next().getKey()) <= timestamp) {
                panes.remove();
            }
        }
        Iterator<Map.Entry<Long, Integer>> fired = revisions.iterator();
        while (fired.hasNext()) {
            if (fired.next().getKey() + allowedLatenessMillis + granularity.slideMillis() <= timestamp) {
                fired.remove();
            }
        }
        clearIfIdle();
    }

    private void emit(long windowEnd, long watermark, Context ctx, Collector<Rollup> out) throws Exception {
        long windowStart = windowEnd - granularity.sizeMillis();
        List<RollupAggregate> panes = new ArrayList<>();
        for (Map.Entry<Long, RollupAggregate> pane : aggregates.entries()) {
            if (pane.getKey() >= windowStart && pane.getKey() < windowEnd) {
                panes.add(pane.getValue());
            }
        }
        if (!panes.isEmpty()) {
            out.collect(rollup(ctx.getCurrentKey(), windowStart, nextRevision(windowEnd),
                    RollupAggregate.mergeAll(panes), watermark));
        }
    }
}
