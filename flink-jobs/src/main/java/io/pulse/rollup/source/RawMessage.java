package io.pulse.rollup.source;

/**
 * One AMQP message as it came off a shard queue, not yet parsed.
 *
 * @param source        where it came from, e.g. {@code amqp:pulse.events.shard-0}
 * @param correlationId the producer's unique message id; null when the producer set none
 * @param body          one JSON event or a JSON array of events
 */
public record RawMessage(String source, String correlationId, byte[] body) {
}
