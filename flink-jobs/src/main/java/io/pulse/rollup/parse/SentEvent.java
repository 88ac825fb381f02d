package io.pulse.rollup.parse;

import io.pulse.contracts.event.Event;

/**
 * A valid event with when its message was sent: the message's AMQP timestamp in epoch milliseconds, or 0
 * when it had none. Event time is measured against it ({@link io.pulse.rollup.eventtime.WallClockBoundedWatermarks}).
 */
public record SentEvent(Event event, long sentAt) {
}
