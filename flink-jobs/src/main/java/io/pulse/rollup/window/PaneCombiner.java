package io.pulse.rollup.window;

import io.pulse.contracts.deadletter.DeadLetter;
import io.pulse.contracts.event.EventJson;
import io.pulse.contracts.event.RejectReason;
import io.pulse.contracts.event.Rejection;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.rollup.SeriesKey;
import io.pulse.rollup.parse.ParsedEvent;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.flink.metrics.Counter;
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
 * goes idle, and when the buffer reaches its bound. Events later than their pane's end plus the allowed
 * lateness are dead-lettered as {@code late}.
 */
public final class PaneCombiner extends AbstractStreamOperator<Partial>
        implements OneInputStreamOperator<ParsedEvent, Partial> {

    private static final long serialVersionUID = 1L;
    private static final long PANE = Granularity.TEN_SECONDS.sizeMillis();

    public static final OutputTag<DeadLetter> LATE = new OutputTag<>("late") { };

    private record PaneId(SeriesKey key, long start) { }

    private final SeriesDimensions dimensions;
    private final long allowedLatenessMillis;
    private final int maxBufferedPanes;

    private transient Map<PaneId, RollupAggregate> buffered;
    private transient long watermark;
    private transient Counter lateEvents;

    public PaneCombiner(SeriesDimensions dimensions, long allowedLatenessMillis, int maxBufferedPanes) {
        this.dimensions = dimensions;
        this.allowedLatenessMillis = allowedLatenessMillis;
        this.maxBufferedPanes = maxBufferedPanes;
        // chain to the parser: events reach this operator as references, never serialized
        setChainingStrategy(ChainingStrategy.ALWAYS);
    }

    @Override
    public void open() throws Exception {
        super.open();
        buffered = new HashMap<>();
        watermark = Long.MIN_VALUE;
        lateEvents = getMetricGroup().counter("lateEvents");
    }

    @Override
    public void processElement(StreamRecord<ParsedEvent> record) {
        ParsedEvent parsed = record.getValue();
        long paneStart = Granularity.TEN_SECONDS.bucketStart(parsed.event().timestamp());
        if (paneStart + PANE - 1 + allowedLatenessMillis < watermark) {
            lateEvents.inc();
            output.collect(LATE, new StreamRecord<>(DeadLetter.of(parsed.source(), parsed.correlationId(),
                    parsed.index(), parsed.event().tenant(), Rejection.of(RejectReason.LATE,
                            "event is later than its window's end plus the allowed lateness of "
                                    + allowedLatenessMillis + " ms"),
                    EventJson.write(parsed.event()), System.currentTimeMillis())));
            return;
        }
        buffered.computeIfAbsent(new PaneId(dimensions.seriesOf(parsed.event()), paneStart),
                        id -> new RollupAggregate())
                .add(parsed.event().value(), dimensions.distinctValueOf(parsed.event()));
        if (buffered.size() >= maxBufferedPanes) {
            emitUpTo(Long.MAX_VALUE);
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        watermark = mark.getTimestamp();
        emitUpTo(watermark);
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
