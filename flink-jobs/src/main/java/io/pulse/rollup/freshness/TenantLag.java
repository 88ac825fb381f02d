package io.pulse.rollup.freshness;

import io.pulse.rollup.eventtime.WallClock;
import io.pulse.rollup.metrics.PulseMetrics;
import io.pulse.rollup.metrics.TenantGauges;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Passes the tenants' event-time reports on to the freshness table and exports each tenant's event-time
 * lag (the end-to-end lag SREs alert on): how far the newest event of the tenant that the job processed
 * trailed the wall clock when its report came (once per checkpoint, per shard that saw the tenant). A
 * backlog shows as old events processed now; a tenant that stops sending keeps its last lag rather than
 * one growing by a second a second, so a quiet tenant pages nobody. Reports arrive keyed by tenant, so
 * each tenant's gauge lives in exactly one subtask.
 */
public final class TenantLag extends KeyedProcessFunction<String, TenantEventTime, TenantEventTime> {

    private static final long serialVersionUID = 1L;

    private final WallClock clock;
    private transient TenantGauges lag;

    public TenantLag(WallClock clock) {
        this.clock = clock;
    }

    @Override
    public void open(OpenContext openContext) {
        // folded tenants: the greatest lag among them
        lag = new TenantGauges(PulseMetrics.of(getRuntimeContext().getMetricGroup()), "event_time_lag_ms", Math::max);
    }

    @Override
    public void processElement(TenantEventTime report, Context ctx, Collector<TenantEventTime> out) {
        lag.set(report.tenant(), Math.max(0, clock.millis() - report.eventTime()));
        out.collect(report);
    }
}
