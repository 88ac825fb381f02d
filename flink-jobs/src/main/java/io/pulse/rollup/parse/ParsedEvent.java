package io.pulse.rollup.parse;

import io.pulse.contracts.event.Event;

/** A valid event with where it came from, so a later rejection (late) can still name its message. */
public record ParsedEvent(Event event, String source, String correlationId, int index) {
}
