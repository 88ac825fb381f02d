package io.pulse.rollup.window;

import io.pulse.contracts.deadletter.DeadLetter;
import io.pulse.contracts.event.RejectReason;
import io.pulse.contracts.event.Rejection;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.Rollup;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.rollup.SeriesKey;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * A tumbling window of one granularity, fed by partials of finer buckets (raw 10 s pane partials for
 * the 10 s stage; the 10 s stage's results for the 1 min stage; the 1 min results for the 1 h stage),
 * so coarser windows are merged from finer results and never recomputed from events.
 *
 * <p>A window fires when the watermark passes its end (revision 0). Until its end plus the allowed
 * lateness, each late partial updates it and re-emits the full window with the next revision; then its
 * state and timers are gone. Besides the full result, each emission sends on {@link #DELTAS} exactly
 * what it added to the window, so the next stage can merge it without double counting.
 */
public final class TumblingStage extends RollupStage<Partial> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<Partial> DELTAS = new OutputTag<>("deltas") { };
    public static final OutputTag<DeadLetter> LATE = new OutputTag<>("late-partials") { };

    private transient Counter latePartials;

    public TumblingStage(Granularity granularity, long allowedLatenessMillis) {
        super(granularity, allowedLatenessMillis);
    }

    @Override
    public void open(OpenContext openContext) {
        super.open(openContext);
        latePartials = getRuntimeContext().getMetricGroup().counter("latePartials");
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
        long watermark = ctx.timerService().currentWatermark();
        if (cleanupTime(bucket) <= watermark) {
            // The combiner already dead-letters late events; this only happens if a partial was held
            // back upstream for longer than the lateness. Report it rather than reopen the window.
            latePartials.inc();
            ctx.output(LATE, DeadLetter.of("stage:" + granularity.code(), null, -1, partial.key().tenant(),
                    Rejection.of(RejectReason.LATE, partial.aggregate().count() + " events of series "
                            + partial.key().series() + " arrived after the window closed"),
                    String.format("{\"tenant\":\"%s\",\"metric\":\"%s\",\"series\":%s,\"bucketStart\":%d,\"count\":%d}",
                            partial.key().tenant(), partial.key().metric(), partial.key().series(), bucket,
                            partial.aggregate().count()),
                    System.currentTimeMillis()));
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
        ctx.output(DELTAS, new Partial(key, bucket, delta == null ? rollup.aggregate() : delta));
    }
}
