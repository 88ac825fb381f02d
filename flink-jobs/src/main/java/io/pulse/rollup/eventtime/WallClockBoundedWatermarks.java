package io.pulse.rollup.eventtime;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Watermarks of one shard, held between two bounds of the wall clock, because a shard carries many
 * tenants whose clocks differ and who do not trust each other:
 *
 * <ul>
 *   <li>never past {@code now - outOfOrderness}: an event's time counts only up to the wall clock at its
 *       arrival, so a producer whose clock runs ahead cannot close the windows other tenants still fill;</li>
 *   <li>never behind {@code now - maxLag}: a shard whose producers lag (a slow clock, a backlog, a client
 *       flushing buffered events) cannot hold back every tenant's windows by more than {@code maxLag}.</li>
 * </ul>
 *
 * Between the bounds it trails the newest (clamped) event by {@code outOfOrderness}, as Flink's bounded
 * out-of-orderness watermarks do. A shard without events for {@code idleness} has nothing pending: its
 * watermark follows the wall clock ({@code now - outOfOrderness}), so it neither holds back busy shards
 * nor, when every shard is quiet, leaves the last windows open. (Flink's idleness would mark it idle
 * instead, and with all shards idle event time would stop.) Lateness then decides only when a result is
 * final, never whether an event counts: what arrives behind the watermark becomes a correction (see
 * docs/adr/0004).
 */
public final class WallClockBoundedWatermarks<T> implements WatermarkGenerator<T> {

    private final long outOfOrderness;
    private final long maxLag;
    private final long idleness;
    private final WallClock clock;
    private long newestEventTime = Long.MIN_VALUE;
    private long lastEventAt;
    private long emitted = Long.MIN_VALUE;

    public WallClockBoundedWatermarks(long outOfOrdernessMillis, long maxLagMillis, long idlenessMillis,
                                      WallClock clock) {
        if (outOfOrdernessMillis < 0 || maxLagMillis < outOfOrdernessMillis || idlenessMillis <= 0) {
            throw new IllegalArgumentException("need 0 <= out-of-orderness <= max watermark lag, idleness > 0");
        }
        this.outOfOrderness = outOfOrdernessMillis;
        this.maxLag = maxLagMillis;
        this.idleness = idlenessMillis;
        this.clock = clock;
        this.lastEventAt = clock.millis(); // a shard just started may have a backlog: not quiet yet
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
        long now = clock.millis();
        newestEventTime = Math.max(newestEventTime, Math.min(eventTimestamp, now));
        lastEventAt = now;
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long now = clock.millis();
        long watermark;
        if (now - lastEventAt >= idleness) {
            watermark = now - outOfOrderness - 1;
        } else {
            long trailing = newestEventTime == Long.MIN_VALUE ? Long.MIN_VALUE : newestEventTime - outOfOrderness - 1;
            watermark = Math.max(trailing, now - maxLag);
        }
        if (watermark > emitted) {
            emitted = watermark;
            output.emitWatermark(new Watermark(watermark));
        }
    }
}
