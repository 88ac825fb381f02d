package io.pulse.rollup.window;

import io.pulse.contracts.event.Event;
import io.pulse.rollup.parse.SentEvent;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.rollup.SeriesKey;
import io.pulse.rollup.eventtime.WallClock;
import io.pulse.rollup.freshness.TenantEventTime;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;

/**
 * Pre-aggregates events into 10 s pane partials per series before the shuffle, so what crosses the
 * network is one partial per series and pane, not one record per event. It keeps no state: everything
 * buffered is emitted before each checkpoint barrier, when the watermark passes a pane, when the input
 * goes idle, and when the buffer reaches its bound. Late events are partials like any other: the
 * stages merge them into open windows or turn them into corrections of stored rows.
 *
 * <p>It also notes each tenant's newest event time and reports it, never past the wall clock, on
 * {@link #EVENT_TIMES} before each barrier: the tenant's freshness.
 */
public final class PaneCombiner extends AbstractStreamOperator<Partial>
        implements OneInputStreamOperator<SentEvent, Partial> {

    private static final long serialVersionUID = 1L;
    private static final long PANE = Granularity.TEN_SECONDS.sizeMillis();

    public static final OutputTag<TenantEventTime> EVENT_TIMES = new OutputTag<>("tenant-event-times") { };

    private record PaneId(SeriesKey key, long start) { }

    private final SeriesDimensions dimensions;
    private final int maxBufferedPanes;
    private final WallClock clock;

    private transient Map<PaneId, RollupAggregate> buffered;
    private transient Map<String, Long> newestEventTimes;

    public PaneCombiner(SeriesDimensions dimensions, int maxBufferedPanes, WallClock clock) {
        this.dimensions = dimensions;
        this.maxBufferedPanes = maxBufferedPanes;
        this.clock = clock;
        // chain to the parser: events reach this operator as references, never serialized
        setChainingStrategy(ChainingStrategy.ALWAYS);
    }

    @Override
    public void open() throws Exception {
        super.open();
        buffered = new HashMap<>();
        newestEventTimes = new HashMap<>();
    }

    @Override
    public void processElement(StreamRecord<SentEvent> record) {
        Event event = record.getValue().event();
        long paneStart = Granularity.TEN_SECONDS.bucketStart(event.timestamp());
        newestEventTimes.merge(event.tenant(), event.timestamp(), Math::max);
        buffered.computeIfAbsent(new PaneId(dimensions.seriesOf(event), paneStart), id -> new RollupAggregate())
                .add(event.value(), dimensions.distinctValueOf(event));
        if (buffered.size() >= maxBufferedPanes) {
            emitUpTo(Long.MAX_VALUE);
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        emitUpTo(mark.getTimestamp());
        super.processWatermark(mark);
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) throws Exception {
        if (status.isIdle()) {
            emitUpTo(Long.MAX_VALUE);
        }
        super.processWatermarkStatus(status);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) {
        emitUpTo(Long.MAX_VALUE);
        long now = clock.millis(); // clamped when reported, not per event: one clock read per checkpoint
        newestEventTimes.forEach((tenant, time) ->
                output.collect(EVENT_TIMES, new StreamRecord<>(new TenantEventTime(tenant, Math.min(time, now)))));
        newestEventTimes.clear();
    }

    @Override
    public void finish() throws Exception {
        emitUpTo(Long.MAX_VALUE);
        super.finish();
    }

    /** Emits the partials of panes that end at or before {@code time}. */
    private void emitUpTo(long time) {
        Iterator<Map.Entry<PaneId, RollupAggregate>> entries = buffered.entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<PaneId, RollupAggregate> entry = entries.next();
            long paneEnd = entry.getKey().start() + PANE;
            if (paneEnd - 1 <= time) {
                output.collect(new StreamRecord<>(
                        new Partial(entry.getKey().key(), entry.getKey().start(), entry.getValue()), paneEnd - 1));
                entries.remove();
            }
        }
    }
}
