package io.pulse.rollup.source;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import io.pulse.rollup.metrics.PulseMetrics;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Drops a message whose correlation id this shard saw from the same tenant within the dedupe window (ids
 * are the producer's, so they are only unique within a tenant: {@link RawMessage#messageId}). The connector already
 * drops broker redeliveries of messages not yet acknowledged; this also catches a producer that
 * published the same message twice (a retry after a lost publisher confirm), provided the retry uses
 * the same routing key, hence the same shard. The ids are part of the checkpoint, so after recovery
 * the window is exactly what it was.
 */
public final class DropDuplicateMessages extends ProcessFunction<RawMessage, RawMessage>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    private final long windowMillis;
    /** Message id (tenant and correlation id) to first-seen time, oldest first. */
    private transient LinkedHashMap<String, Long> seen;
    private transient ListState<Tuple2<String, Long>> checkpointed;
    private transient Counter duplicates;

    public DropDuplicateMessages(long windowMillis) {
        this.windowMillis = windowMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        duplicates = PulseMetrics.of(getRuntimeContext().getMetricGroup()).counter("duplicate_messages");
    }

    @Override
    public void processElement(RawMessage message, Context ctx, Collector<RawMessage> out) {
        long now = System.currentTimeMillis();
        expire(now);
        if (message.correlationId() != null && seen.putIfAbsent(message.messageId(), now) != null) {
            duplicates.inc();
            return;
        }
        out.collect(message);
    }

    private void expire(long now) {
        Iterator<Map.Entry<String, Long>> oldest = seen.entrySet().iterator();
        while (oldest.hasNext() && oldest.next().getValue() < now - windowMillis) {
            oldest.remove();
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        checkpointed.clear();
        for (Map.Entry<String, Long> entry : seen.entrySet()) {
            checkpointed.add(Tuple2.of(entry.getKey(), entry.getValue()));
        }
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        checkpointed = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("recent-correlation-ids", Types.TUPLE(Types.STRING, Types.LONG)));
        seen = new LinkedHashMap<>();
        for (Tuple2<String, Long> entry : checkpointed.get()) {
            seen.put(entry.f0, entry.f1);
        }
    }
}
