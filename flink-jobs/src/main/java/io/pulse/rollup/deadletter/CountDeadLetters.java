package io.pulse.rollup.deadletter;

import io.pulse.contracts.deadletter.DeadLetter;
import io.pulse.contracts.event.RejectReason;
import io.pulse.rollup.metrics.PulseMetrics;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * Counts the dead letters on their way to the table, by reason: rejections of the parsers and the
 * cardinality guard's reports. Every reason is registered at start, so a rate over one is 0, not absent.
 */
public final class CountDeadLetters extends RichMapFunction<DeadLetter, DeadLetter> {

    private static final long serialVersionUID = 1L;

    private transient MetricGroup pulse;
    private transient Map<String, Counter> byReason;

    @Override
    public void open(OpenContext openContext) {
        pulse = PulseMetrics.of(getRuntimeContext().getMetricGroup());
        byReason = new HashMap<>();
        for (RejectReason reason : RejectReason.values()) {
            counter(reason.code());
        }
    }

    private Counter counter(String reason) {
        return byReason.computeIfAbsent(reason, code -> pulse.addGroup("reason", code).counter("dead_lettered"));
    }

    @Override
    public DeadLetter map(DeadLetter letter) {
        counter(letter.reason()).inc(); // a reason code of ours: the label set stays that of RejectReason
        return letter;
    }
}
