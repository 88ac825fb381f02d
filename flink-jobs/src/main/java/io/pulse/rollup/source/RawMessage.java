package io.pulse.rollup.source;

/**
 * One AMQP message as it came off a shard queue, not yet parsed.
 *
 * @param source        where it came from, e.g. {@code amqp:pulse.events.shard-0}
 * @param tenant        the producer's tenant, from the routing key; every event of the message must be its
 * @param correlationId the producer's message id, unique within its tenant; null when the producer set none
 * @param body          one JSON event or a JSON array of events
 * @param sentAt        the message's AMQP timestamp (when its producer sent it) in epoch milliseconds, 0 when
 *                      it has none
 * @param traceParent   the producer's W3C trace context (its {@code traceparent} header); null when it sent none
 */
public record RawMessage(String source, String tenant, String correlationId, byte[] body, long sentAt,
                         String traceParent) {

    /**
     * What tells redeliveries and producer retries apart: the correlation id within the tenant, so two
     * tenants that pick the same id never drop each other's messages. Tenant names hold no '/'.
     */
    public static String messageId(String tenant, String correlationId) {
        return tenant + "/" + correlationId;
    }

    public String messageId() {
        return messageId(tenant, correlationId);
    }
}
