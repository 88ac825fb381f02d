package io.pulse.rollup.cardinality;

import io.pulse.contracts.deadletter.DeadLetter;
import io.pulse.contracts.event.RejectReason;
import io.pulse.contracts.event.Rejection;
import io.pulse.contracts.rollup.SeriesKey;
import io.pulse.rollup.metrics.PulseMetrics;
import io.pulse.rollup.metrics.TenantGauges;
import io.pulse.rollup.window.Partial;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Caps the number of active series of each (tenant, metric), keyed by that pair. A series is active
 * while it had data in the last hour. Partials of series beyond the cap are folded into one overflow
 * series ({@code {"__overflow__":"true"}}, a key no event can produce), so totals stay right and state
 * stays bounded; each overflow is counted ({@code series_overflow_events}) and reported as a dead letter
 * with reason {@code cardinality-limit} at most once per metric and hour.
 */
public final class SeriesCardinalityGuard extends KeyedProcessFunction<String, Partial, Partial> {

    private static final long serialVersionUID = 1L;
    private static final long HOUR = 3_600_000L;

    public static final OutputTag<DeadLetter> OVERFLOW = new OutputTag<>("series-overflow") { };
    public static final Map<String, String> OVERFLOW_SERIES = Map.of("__overflow__", "true");

    private final int maxSeries;

    /** Last pane seen, by series. */
    private transient MapState<String, Long> active;
    private transient ValueState<Integer> activeCount;
    private transient ValueState<Long> lastReportedHour;
    private transient Counter overflowEvents;
    /** Active series by tenant and metric, of the keys this subtask touched since it started (for the gauge). */
    private transient Map<String, Map<String, Integer>> activeByTenant;
    private transient TenantGauges seriesPerTenant;

    public SeriesCardinalityGuard(int maxSeries) {
        this.maxSeries = maxSeries;
    }

    /** The key this guard is applied per. */
    public static String metricOf(Partial partial) {
        return partial.key().tenant() + '\u0000' + partial.key().metric();
    }

    @Override
    public void open(OpenContext openContext) {
        active = getRuntimeContext().getMapState(new MapStateDescriptor<>("active", Types.STRING, Types.LONG));
        activeCount = getRuntimeContext().getState(new ValueStateDescriptor<>("activeCount", Types.INT));
        lastReportedHour = getRuntimeContext().getState(new ValueStateDescriptor<>("lastReportedHour", Types.LONG));
        MetricGroup pulse = PulseMetrics.of(getRuntimeContext().getMetricGroup());
        overflowEvents = pulse.counter("series_overflow_events");
        activeByTenant = new HashMap<>();
        seriesPerTenant = new TenantGauges(pulse, "series", Long::sum);
    }

    @Override
    public void processElement(Partial partial, Context ctx, Collector<Partial> out) throws Exception {
        String series = partial.key().series();
        Long lastSeen = active.get(series);
        int count = activeCount.value() == null ? 0 : activeCount.value();
        if (lastSeen == null && count >= maxSeries) {
            overflow(partial, ctx, out);
            return;
        }
        if (lastSeen == null) {
            activeCount.update(count + 1);
            report(partial.key().tenant(), partial.key().metric(), count + 1);
        }
        // one timer per key and hour (equal timers collapse); it forgets what the hour left idle
        ctx.timerService().registerEventTimeTimer(hourOf(partial.timestamp()) + 2 * HOUR);
        active.put(series, lastSeen == null ? partial.timestamp() : Math.max(lastSeen, partial.timestamp()));
        out.collect(partial);
    }

    private void overflow(Partial partial, Context ctx, Collector<Partial> out) throws Exception {
        SeriesKey key = partial.key();
        overflowEvents.inc(partial.aggregate().count());
        out.collect(new Partial(SeriesKey.of(key.tenant(), key.metric(), OVERFLOW_SERIES), partial.timestamp(),
                partial.aggregate()));
        long hour = hourOf(partial.timestamp());
        Long reported = lastReportedHour.value();
        if (reported == null || reported < hour) {
            lastReportedHour.update(hour);
            String report = String.format("{\"tenant\":\"%s\",\"metric\":\"%s\",\"hour\":%d,\"maxSeries\":%d}",
                    key.tenant(), key.metric(), hour, maxSeries);
            ctx.output(OVERFLOW, DeadLetter.of("cardinality-guard", null, -1, key.tenant(),
                    Rejection.of(RejectReason.CARDINALITY_LIMIT, "metric " + key.metric() + " reached its cap of "
                            + maxSeries + " active series; events of further series are counted in the overflow series"),
                    report, System.currentTimeMillis()));
        }
    }

    private void report(String tenant, String metric, int series) {
        Map<String, Integer> metrics = activeByTenant.computeIfAbsent(tenant, t -> new HashMap<>());
        if (series == 0) {
            metrics.remove(metric);
        } else {
            metrics.put(metric, series);
        }
        seriesPerTenant.set(tenant, metrics.values().stream().mapToLong(Integer::longValue).sum());
    }

    private static long hourOf(long timestamp) {
        return Math.floorDiv(timestamp, HOUR) * HOUR;
    }

    /** Forgets series idle for an hour; when none is left, the key's state is gone entirely. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Partial> out) throws Exception {
        int count = activeCount.value() == null ? 0 : activeCount.value();
        Iterator<Map.Entry<String, Long>> entries = active.iterator();
        while (entries.hasNext()) {
            Map.Entry<String, Long> entry = entries.next();
            if (entry.getValue() < timestamp - HOUR) {
                entries.remove();
                count--;
            }
        }
        String[] tenantAndMetric = ctx.getCurrentKey().split("\u0000", 2);
        report(tenantAndMetric[0], tenantAndMetric[1], Math.max(0, count));
        if (count <= 0) {
            active.clear();
            activeCount.clear();
            lastReportedHour.clear();
        } else {
            activeCount.update(count);
        }
    }
}
