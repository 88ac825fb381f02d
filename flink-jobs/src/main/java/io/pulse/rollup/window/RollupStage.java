package io.pulse.rollup.window;

import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.Rollup;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.rollup.SeriesKey;
import io.pulse.rollup.correction.Correction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import io.pulse.rollup.metrics.PulseMetrics;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import java.util.List;
import org.apache.flink.util.OutputTag;

/**
 * What every window stage shares: per-series state of open aggregates and of how often each window has
 * fired, the series' version sequence, and the way out for windows already closed.
 *
 * <p>A window keeps its state until its end plus the allowed lateness; input for it after that is
 * sent on {@link #CORRECTIONS}, to be merged into its stored row (docs/adr/0004), so lateness decides
 * when a result is final, never whether an event counts.
 *
 * <p>The watermark a stage judges by never goes back across a restart: Flink does not checkpoint
 * watermarks, so after a recovery the stage would see none until the sources emit again, and input for
 * windows already written and cleaned up would open them afresh, their full state then losing to the
 * stored row. Each stage keeps the highest watermark it acted on in its checkpoint and judges by at least
 * that.
 *
 * <p>Versions: {@code max(previous + 1, watermark × 1000)}. They rise with every result of the series,
 * corrections included, and stay rising after the state of an idle series is dropped, because the
 * watermark has moved on by then.
 */
public abstract class RollupStage<IN> extends KeyedProcessFunction<SeriesKey, IN, Rollup>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<Correction> CORRECTIONS = new OutputTag<>("corrections") { };

    protected final Granularity granularity;
    protected final long allowedLatenessMillis;

    /** Aggregates by bucket (or pane) start. */
    protected transient MapState<Long, RollupAggregate> aggregates;
    /** Revision last emitted, by bucket start (tumbling) or window end (sliding); absent: not fired. */
    protected transient MapState<Long, Integer> revisions;
    private transient ValueState<Long> lastVersion;
    /** Events for windows already fired: each becomes a correction of the stored row. */
    private transient Counter late;
    private transient Counter windowsEmitted;
    /** Highest watermark acted on, this run or (restored) before it. */
    private transient long actedOn;
    private transient ListState<Long> checkpointedWatermark;

    RollupStage(Granularity granularity, long allowedLatenessMillis) {
        if (allowedLatenessMillis < 0 || allowedLatenessMillis % 1000 != 0) {
            throw new IllegalArgumentException("allowed lateness must be whole seconds");
        }
        this.granularity = granularity;
        this.allowedLatenessMillis = allowedLatenessMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        aggregates = getRuntimeContext().getMapState(new MapStateDescriptor<>("aggregates", Types.LONG,
                TypeInformation.of(RollupAggregate.class)));
        revisions = getRuntimeContext().getMapState(new MapStateDescriptor<>("revisions", Types.LONG, Types.INT));
        lastVersion = getRuntimeContext().getState(new ValueStateDescriptor<>("lastVersion", Types.LONG));
        MetricGroup pulse = PulseMetrics.of(getRuntimeContext().getMetricGroup()).addGroup("granularity", granularity.code());
        late = pulse.counter("late_events");
        windowsEmitted = pulse.counter("windows_emitted");
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        // union state: after a rescale every subtask takes the highest of all
        checkpointedWatermark = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("watermark-acted-on", Types.LONG));
        actedOn = Long.MIN_VALUE;
        for (Long restored : checkpointedWatermark.get()) {
            actedOn = Math.max(actedOn, restored);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        checkpointedWatermark.update(List.of(actedOn));
    }

    /** The watermark to judge input by: the operator's, never below one acted on before. */
    protected long watermark(TimerService timers) {
        actedOn = Math.max(actedOn, timers.currentWatermark());
        return actedOn;
    }

    /** Notes that a timer at {@code timestamp} ran: the watermark has passed it. */
    protected void actedOn(long timestamp) {
        actedOn = Math.max(actedOn, timestamp);
    }

    /** Records that the window fired once more and returns its revision: 0 the first time. */
    protected int nextRevision(long window) throws Exception {
        Integer previous = revisions.get(window);
        int revision = previous == null ? 0 : previous + 1;
        revisions.put(window, revision);
        return revision;
    }

    protected Rollup rollup(SeriesKey key, long bucketStart, int revision, RollupAggregate aggregate,
                            long watermark) throws Exception {
        return new Rollup(key, granularity, bucketStart, revision, nextVersion(watermark), aggregate);
    }

    private long nextVersion(long watermark) throws Exception {
        Long previous = lastVersion.value();
        long version = Math.max(previous == null ? 1 : previous + 1, Math.max(0, watermark) * 1000);
        lastVersion.update(version);
        return version;
    }

    /** Sends {@code delta} to the stored row of a closed window; keeps no state for it. */
    protected void correct(SeriesKey key, long bucketStart, RollupAggregate delta, long watermark, Context ctx)
            throws Exception {
        late.inc();
        ctx.output(CORRECTIONS, new Correction(key, granularity, bucketStart, nextVersion(watermark), delta));
    }

    /** Counts one window result sent on (first firing or revision). */
    protected void emitted() {
        windowsEmitted.inc();
    }

    /** Drops the version sequence once nothing of the series is left, so idle series cost no state. */
    protected void clearIfIdle() throws Exception {
        if (aggregates.isEmpty()) {
            aggregates.clear();
            revisions.clear();
            lastVersion.clear();
        }
    }
}
