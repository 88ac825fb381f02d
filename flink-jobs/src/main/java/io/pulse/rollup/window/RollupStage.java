package io.pulse.rollup.window;

import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.Rollup;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.rollup.SeriesKey;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;

/**
 * What every window stage shares: per-series state of open aggregates and of how often each window has
 * fired, and the series' version sequence.
 *
 * <p>Versions: {@code max(previous + 1, watermark × 1000)}. They rise with every result of the series,
 * corrections included, and stay rising after the state of an idle series is dropped, because the
 * watermark has moved on by then.
 */
abstract class RollupStage<IN> extends KeyedProcessFunction<SeriesKey, IN, Rollup> {

    private static final long serialVersionUID = 1L;

    protected final Granularity granularity;
    protected final long allowedLatenessMillis;

    /** Aggregates by bucket (or pane) start. */
    protected transient MapState<Long, RollupAggregate> aggregates;
    /** Revision last emitted, by bucket start (tumbling) or window end (sliding); absent: not fired. */
    protected transient MapState<Long, Integer> revisions;
    private transient ValueState<Long> lastVersion;

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
        Long previous = lastVersion.value();
        long version = Math.max(previous == null ? 1 : previous + 1, Math.max(0, watermark) * 1000);
        lastVersion.update(version);
        return new Rollup(key, granularity, bucketStart, revision, version, aggregate);
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
