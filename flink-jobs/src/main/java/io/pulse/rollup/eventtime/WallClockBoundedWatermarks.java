package io.pulse.rollup.eventtime;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import java.util.function.ToLongFunction;

/**
 * Watermarks of one shard, held between two bounds set by when its messages were sent, because a shard
 * carries many tenants whose clocks differ and who do not trust each other. A message's time of sending
 * is its AMQP {@code timestamp} (set by Pulse's own publishers), believed from the wall clock back to
 * {@code maxBacklog} at most; a message without one, or with one from the future, counts as sent now.
 *
 * <ul>
 *   <li>never past the newest sending time less {@code outOfOrderness}: an event's time counts only up to
 *       its message's sending, so a producer whose clock runs ahead cannot close the windows other tenants
 *       still fill;</li>
 *   <li>never behind the newest sending time less {@code maxLag}: a shard whose producers lag (a slow
 *       clock, a client flushing buffered events) cannot hold back every tenant's windows by more than
 *       {@code maxLag}.</li>
 * </ul>
 *
 * Measuring both from the sending rather than from the job's clock keeps a backlog of the job's own (a
 * restart, a burst above its capacity) in event time: its events close their windows as they are read,
 * instead of all arriving behind a watermark the wall clock pushed on, each becoming a correction, which
 * would slow the job further. Between the bounds the watermark trails the newest (clamped) event by
 * {@code outOfOrderness}, as Flink's bounded out-of-orderness watermarks do. A shard without events for
 * {@code idleness} moves on with the wall clock from the newest sending it read: a quiet shard that was
 * caught up follows the wall clock ({@code now - outOfOrderness}), so it neither holds back busy shards
 * nor, when every shard is quiet, leaves the last windows open; a shard stalled in a backlog (blocked by
 * backpressure, which looks the same from here) keeps its backlog's distance.
 * (Flink's idleness would mark it idle instead, and with all shards idle event time would stop.) Lateness
 * then decides only when a result is final, never whether an event counts: what arrives behind the
 * watermark becomes a correction (see docs/adr/0004).
 */
public final class WallClockBoundedWatermarks<T> implements WatermarkGenerator<T> {

    private final long outOfOrderness;
    private final long maxLag;
    private final long maxBacklog;
    private final long idleness;
    private final WallClock clock;
    private final ToLongFunction<T> sentAt;
    private long newestEventTime = Long.MIN_VALUE;
    private long newestSending = Long.MIN_VALUE;
    private long lastEventAt;
    private long emitted = Long.MIN_VALUE;

    /**
     * @param sentAt a record's AMQP timestamp in epoch milliseconds, or 0 when its message had none
     */
    public WallClockBoundedWatermarks(long outOfOrdernessMillis, long maxLagMillis, long maxBacklogMillis,
                                      long idlenessMillis, WallClock clock, ToLongFunction<T> sentAt) {
        if (outOfOrdernessMillis < 0 || maxLagMillis < outOfOrdernessMillis || maxBacklogMillis < 0
                || idlenessMillis <= 0) {
            throw new IllegalArgumentException(
                    "need 0 <= out-of-orderness <= max watermark lag, max backlog >= 0, idleness > 0");
        }
        this.outOfOrderness = outOfOrdernessMillis;
        this.maxLag = maxLagMillis;
        this.maxBacklog = maxBacklogMillis;
        this.idleness = idlenessMillis;
        this.clock = clock;
        this.sentAt = sentAt;
        this.lastEventAt = clock.millis(); // a shard just started may have a backlog: not quiet yet
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
        long now = clock.millis();
        long stamp = sentAt.applyAsLong(event);
        long sent = stamp <= 0 ? now : Math.max(Math.min(stamp, now), now - maxBacklog);
        newestSending = Math.max(newestSending, sent);
        newestEventTime = Math.max(newestEventTime, Math.min(eventTimestamp, sent));
        lastEventAt = now;
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long now = clock.millis();
        long watermark;
        if (now - lastEventAt >= idleness) {
            // as if messages had gone on arriving at the rate they were sent: for a shard that was caught
            // up, the wall clock; for one reading a backlog that is blocked (backpressure), the backlog's
            // own time, moving on, so a stall shorter than the allowed lateness turns nothing into a correction
            long sentBefore = newestSending == Long.MIN_VALUE ? lastEventAt : newestSending;
            watermark = sentBefore + (now - lastEventAt) - outOfOrderness - 1;
        } else if (newestSending == Long.MIN_VALUE) {
            watermark = Long.MIN_VALUE;
        } else {
            watermark = Math.max(newestEventTime - outOfOrderness - 1, newestSending - maxLag);
        }
        if (watermark > emitted) {
            emitted = watermark;
            output.emitWatermark(new Watermark(watermark));
        }
    }
}
