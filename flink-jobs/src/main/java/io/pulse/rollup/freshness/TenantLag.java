package io.pulse.rollup.freshness;

import io.pulse.rollup.eventtime.WallClock;
import io.pulse.rollup.metrics.PulseMetrics;
import io.pulse.rollup.metrics.TenantGauges;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Passes the tenants' event-time reports on to the freshness table and exports each tenant's event-time
 * lag: how far the newest event time of the tenant that reached the job trails the wall clock when
 * scraped (the end-to-end lag SREs alert on). Reports arrive keyed by tenant, so each tenant's gauge lives
 * in exactly one subtask; its newest time is kept in memory only, and comes back with the next report
 * (once per checkpoint) after a restart.
 */
public final class TenantLag extends KeyedProcessFunction<String, TenantEventTime, TenantEventTime> {

    private static final long serialVersionUID = 1L;

    private final WallClock clock;
    private transient TenantGauges lag;
    private transient Map<String, Long> newest;

    public TenantLag(WallClock clock) {
        this.clock = clock;
    }

    @Override
    public void open(OpenContext openContext) {
        newest = new HashMap<>();
        // folded tenants: the oldest of their newest times, i.e. the greatest lag among them
        lag = new TenantGauges(PulseMetrics.of(getRuntimeContext().getMetricGroup()), "event_time_lag_ms", Math::min,
                time -> Math.max(0, clock.millis() - time));
    }

    @Override
    public void processElement(TenantEventTime report, Context ctx, Collector<TenantEventTime> out) {
        long time = Math.max(report.eventTime(), newest.getOrDefault(report.tenant(), Long.MIN_VALUE));
        newest.put(report.tenant(), time);
        lag.set(report.tenant(), time);
        out.collect(report);
    }
}
