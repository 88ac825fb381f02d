package io.pulse.contracts.deadletter;

import io.pulse.contracts.event.Rejection;
import io.pulse.contracts.text.Digests;

/**
 * A rejected event or message, kept in the {@code dead_letter} table with its reason so an operator
 * can inspect it and replay it. The id is derived from where it came from (tenant included, since
 * correlation ids are unique only within a tenant), so a redelivered message rejected twice is stored once.
 *
 * @param source        e.g. {@code amqp:pulse.events.shard-0} or {@code http}
 * @param correlationId the message's correlation id; null when it had none
 * @param index         position in the batch, or -1 when the whole message was refused
 * @param tenant        the producer's tenant (from the credential or routing key), else the event's when
 *                      it could be read, else null
 * @param payload       the raw JSON of the element (or message), for replay
 */
public record DeadLetter(String id, String source, String correlationId, int index, String tenant,
                         String reason, String detail, String payload, long receivedAt) {

    public static DeadLetter of(String source, String correlationId, int index, String tenant, Rejection rejection,
                                String payload, long receivedAt) {
        String origin = correlationId != null ? correlationId : "payload:" + Digests.sha256(payload);
        String id = Digests.sha256(source + "|" + tenant + "|" + origin + "|" + index + "|" + rejection.reason().code());
        return new DeadLetter(id, source, storable(correlationId), index, storable(tenant), rejection.reason().code(),
                rejection.message(), storable(payload), receivedAt);
    }

    /**
     * PostgreSQL text cannot hold U+0000, which a refused body or an AMQP property may contain; a letter
     * that could not be stored would stop the job, so the character is stored as U+FFFD instead.
     */
    private static String storable(String text) {
        return text == null ? null : text.replace('\u0000', '\uFFFD');
    }
}
