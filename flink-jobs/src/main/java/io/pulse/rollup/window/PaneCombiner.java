package io.pulse.rollup.window;

import io.pulse.contracts.event.Event;
import io.pulse.rollup.parse.SentEvent;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.rollup.eventtime.WallClock;
import io.pulse.rollup.freshness.TenantEventTime;
import io.pulse.rollup.metrics.PulseMetrics;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.metrics.Gauge;
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

    private final SeriesDimensions dimensions;
    private final int maxBufferedPanes;
    private final WallClock clock;
    private final String shard;
    /** The newest watermark passed on; the reporter thread reads it for the shard's event-time lag. */
    private transient volatile long watermark;

    /** Partials by pane start, then series: a watermark emits whole panes without visiting the others. */
    private transient TreeMap<Long, PanePartials> buffered;
    private transient int bufferedPartials;
    /** The pane most events go to, kept at hand so most events cost one lookup. */
    private transient long currentPaneStart;
    private transient PanePartials currentPane;
    private transient Map<String, long[]> newestEventTimes;

    /** Combines the panes of {@code shard} (the source's id, the label of its lag gauge). */
    public PaneCombiner(SeriesDimensions dimensions, int maxBufferedPanes, WallClock clock, String shard) {
        this.shard = shard;
        this.dimensions = dimensions;
        this.maxBufferedPanes = maxBufferedPanes;
        this.clock = clock;
        // chain to the parser: events reach this operator as references, never serialized
        setChainingStrategy(ChainingStrategy.ALWAYS);
    }

    @Override
    public void open() throws Exception {
        super.open();
        buffered = new TreeMap<>();
        newestEventTimes = new HashMap<>();
        watermark = Long.MIN_VALUE;
        // how far this shard's event time trails the wall clock: 0 until its first watermark
        PulseMetrics.of(getMetricGroup()).addGroup("shard", shard).gauge("event_time_lag_ms",
                (Gauge<Long>) () -> watermark == Long.MIN_VALUE ? 0L : Math.max(0, clock.millis() - watermark));
    }

    @Override
    public void processElement(StreamRecord<SentEvent> record) {
        Event event = record.getValue().event();
        long[] newest = newestEventTimes.computeIfAbsent(event.tenant(), tenant -> new long[] {Long.MIN_VALUE});
        newest[0] = Math.max(newest[0], event.timestamp());
        long paneStart = Granularity.TEN_SECONDS.bucketStart(event.timestamp());
        if (currentPane == null || paneStart != currentPaneStart) {
            currentPane = buffered.computeIfAbsent(paneStart, start -> new PanePartials(dimensions));
            currentPaneStart = paneStart;
        }
        int seriesBefore = currentPane.size();
        RollupAggregate partial = currentPane.partialFor(event);
        bufferedPartials += currentPane.size() - seriesBefore;
        if (dimensions.quantiles()) {
            partial.add(event.value(), dimensions.distinctValueOf(event));
        } else {
            partial.addWithoutQuantile(event.value(), dimensions.distinctValueOf(event));
        }
        if (bufferedPartials >= maxBufferedPanes) {
            emitUpTo(Long.MAX_VALUE);
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        emitUpTo(mark.getTimestamp());
        watermark = mark.getTimestamp();
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
                output.collect(EVENT_TIMES, new StreamRecord<>(new TenantEventTime(tenant, Math.min(time[0], now)))));
        newestEventTimes.clear();
    }

    @Override
    public void finish() throws Exception {
        emitUpTo(Long.MAX_VALUE);
        super.finish();
    }

    /** Emits the partials of panes that end at or before {@code time}. */
    private void emitUpTo(long time) {
        Iterator<Map.Entry<Long, PanePartials>> panes = buffered.entrySet().iterator();
        while (panes.hasNext()) {
            Map.Entry<Long, PanePartials> pane = panes.next();
            long start = pane.getKey();
            if (start + PANE - 1 > time) {
                break; // panes are in order of start: the rest end later
            }
            pane.getValue().forEach((series, partial) ->
                    output.collect(new StreamRecord<>(new Partial(series, start, partial), start + PANE - 1)));
            bufferedPartials -= pane.getValue().size();
            panes.remove();
            if (pane.getValue() == currentPane) {
                currentPane = null;
            }
        }
    }
}
