package io.pulse.serving.ingest;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.pulse.contracts.amqp.EventTopology;
import io.pulse.serving.logging.SecretMasking;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;

/**
 * Where ingested events are published ({@code pulse.amqp.*}): the same exchange and shards the rollup
 * job reads.
 *
 * @param eventsPerMessage events per AMQP message (batches amortize the job's per-message cost)
 * @param confirmTimeoutMillis how long to wait for the broker's publisher confirms before answering 503
 */
@ConfigurationProperties("pulse.amqp")
public record AmqpSettings(@NotBlank String uri,
                           @Bindable(defaultValue = "pulse.events") @NotBlank String exchange,
                           @Bindable(defaultValue = "4") @Positive int shards,
                           @Bindable(defaultValue = "500") @Positive int eventsPerMessage,
                           @Bindable(defaultValue = "10000") @Positive long confirmTimeoutMillis) {

    public EventTopology topology() {
        return new EventTopology(exchange, shards);
    }

    /** Without the URI's password: Micronaut logs the beans it creates at DEBUG. */
    @Override
    public String toString() {
        return "AmqpSettings[uri=" + SecretMasking.mask(uri) + ", exchange=" + exchange + ", shards=" + shards
                + ", eventsPerMessage=" + eventsPerMessage + ", confirmTimeoutMillis=" + confirmTimeoutMillis + "]";
    }
}
