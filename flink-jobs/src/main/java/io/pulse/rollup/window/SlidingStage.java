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
 * A sliding window (5 min advancing every 10 s) assembled from 10 s panes: each pane is kept once, built
 * from the 10 s stage's deltas, and merged into the windows that cover it when they fire, instead of
 * copying every event into 30 overlapping windows.
 *
 * <p>A window keeps taking input until its end plus the allowed lateness: a delta to one of its panes
 * re-emits it with the next revision. For a window past that, the delta becomes a correction of its
 * stored row. A pane is kept while any window holding it is open, so an open window always has all its
 * panes.
 */
public final class SlidingStage extends RollupStage<Partial> {

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

    private boolean isClosed(long windowEnd, long watermark) {
        return windowEnd + allowedLatenessMillis <= watermark;
    }

    @Override
    public void processElement(Partial delta, Context ctx, Collector<Rollup> out) throws Exception {
        long paneStart = delta.timestamp();
        long watermark = watermark(ctx.timerService());
        long slide = granularity.slideMillis();
        long size = granularity.sizeMillis();
        List<Long> open = new ArrayList<>();
        for (long end = paneStart + slide; end <= paneStart + size; end += slide) {
            if (isClosed(end, watermark)) {
                correct(ctx.getCurrentKey(), end - size, delta.aggregate(), watermark, ctx);
            } else {
                open.add(end);
            }
        }
        if (!open.isEmpty()) {
            RollupAggregate pane = aggregates.get(paneStart);
            if (pane == null) {
                pane = new RollupAggregate();
            }
            pane.merge(delta.aggregate());
            aggregates.put(paneStart, pane);
            for (long end : open) {
                if (end - 1 <= watermark) {
                    emit(end, watermark, ctx, out);
                } else {
                    ctx.timerService().registerEventTimeTimer(end - 1);
                }
            }
            ctx.timerService().registerEventTimeTimer(cleanupTime(paneStart));
        }
        clearIfIdle();
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Rollup> out) throws Exception {
        actedOn(timestamp);
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
            if (isClosed(fired.next().getKey(), timestamp)) {
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
            emitted();
        }
    }
}
