package io.pulse.rollup.window;

import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.Rollup;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.rollup.SeriesKey;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * A tumbling window of one granularity, fed by partials of finer buckets (raw 10 s pane partials for
 * the 10 s stage; the 10 s stage's results for the 1 min stage; the 1 min results for the 1 h stage),
 * so coarser windows are merged from finer results and never recomputed from events.
 *
 * <p>A window fires when the watermark passes its end (revision 0). Until its end plus the allowed
 * lateness, each late partial updates it and re-emits the full window with the next revision; then its
 * state and timers are gone, and a partial for it becomes a {@link RollupStage#CORRECTIONS correction}
 * of its stored row. Besides the full result, each emission and each correction sends on
 * {@link #DELTAS} exactly what it added to the window, so the next stage can merge it without double
 * counting.
 */
public final class TumblingStage extends RollupStage<Partial> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<Partial> DELTAS = new OutputTag<>("deltas") { };

    public TumblingStage(Granularity granularity, long allowedLatenessMillis) {
        super(granularity, allowedLatenessMillis);
    }

    private long fireTime(long bucketStart) {
        return bucketStart + granularity.sizeMillis() - 1;
    }

    /** Never equal to a fire time, since the lateness is whole seconds and fire times end in 999 ms. */
    private long cleanupTime(long bucketStart) {
        return bucketStart + granularity.sizeMillis() + allowedLatenessMillis;
    }

    @Override
    public void processElement(Partial partial, Context ctx, Collector<Rollup> out) throws Exception {
        long bucket = granularity.bucketStart(partial.timestamp());
        long watermark = watermark(ctx.timerService());
        if (cleanupTime(bucket) <= watermark) {
            correct(ctx.getCurrentKey(), bucket, partial.aggregate(), watermark, ctx);
            ctx.output(DELTAS, new Partial(ctx.getCurrentKey(), bucket, partial.aggregate()));
            clearIfIdle();
            return;
        }
        RollupAggregate aggregate = aggregates.get(bucket);
        if (aggregate == null) {
            aggregate = new RollupAggregate();
        }
        aggregate.merge(partial.aggregate());
        aggregates.put(bucket, aggregate);
        if (revisions.contains(bucket)) {
            emit(ctx.getCurrentKey(), bucket, aggregate, partial.aggregate(), watermark, ctx, out);
        } else {
            ctx.timerService().registerEventTimeTimer(fireTime(bucket));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Rollup> out) throws Exception {
        actedOn(timestamp);
        long size = granularity.sizeMillis();
        if (Math.floorMod(timestamp + 1, size) == 0) {
            long bucket = timestamp + 1 - size;
            RollupAggregate aggregate = aggregates.get(bucket);
            if (aggregate != null && !revisions.contains(bucket)) {
                emit(ctx.getCurrentKey(), bucket, aggregate, null, timestamp, ctx, out);
                ctx.timerService().registerEventTimeTimer(cleanupTime(bucket));
            }
        } else {
            long bucket = timestamp - allowedLatenessMillis - size;
            aggregates.remove(bucket);
            revisions.remove(bucket);
            clearIfIdle();
        }
    }

    /** Emits the window's full state; {@code delta} null means the first firing (all of it is new). */
    private void emit(SeriesKey key, long bucket, RollupAggregate aggregate, RollupAggregate delta, long watermark,
                      Context ctx, Collector<Rollup> out) throws Exception {
        Rollup rollup = rollup(key, bucket, nextRevision(bucket), aggregate.copy(), watermark);
        out.collect(rollup);
        emitted();
        ctx.output(DELTAS, new Partial(key, bucket, delta == null ? rollup.aggregate() : delta));
    }
}
