package io.pulse.contracts.deadletter;

import io.pulse.contracts.event.Rejection;
import io.pulse.contracts.text.Digests;

/**
 * A rejected event or message, kept in the {@code dead_letter} table with its reason so an operator
 * can inspect it and replay it. The id is derived from where it came from, so a redelivered message
 * rejected twice is stored once.
 *
 * @param source        e.g. {@code amqp:pulse.events.shard-0} or {@code http}
 * @param correlationId the message's correlation id; null when it had none
 * @param index         position in the batch, or -1 when the whole message was refused
 * @param tenant        the tenant when it could be read, else null
 * @param payload       the raw JSON of the element (or message), for replay
 */
public record DeadLetter(String id, String source, String correlationId, int index, String tenant,
                         String reason, String detail, String payload, long receivedAt) {

    public static DeadLetter of(String source, String correlationId, int index, String tenant, Rejection rejection,
                                String payload, long receivedAt) {
        String origin = correlationId != null ? correlationId : "payload:" + Digests.sha256(payload);
        String id = Digests.sha256(source + "|" + origin + "|" + index + "|" + rejection.reason().code());
        return new DeadLetter(id, source, correlationId, index, tenant, rejection.reason().code(),
                rejection.message(), payload, receivedAt);
    }
}
