package io.pulse.serving.stream;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Positive;

/**
 * Live stream limits ({@code pulse.stream.*}), documented in docs/streaming.md.
 *
 * @param heartbeatSeconds           a heartbeat frame goes to every connection this often
 * @param maxSubscriptionsPerConnection subscriptions one connection may hold
 * @param maxSubscriptionsPerTenant  subscriptions one tenant may hold on one server instance
 * @param bufferFrames               frames waiting for a slow client before its deltas are conflated
 * @param slowCloseSeconds           a client whose buffer stays full this long is closed (code 4008)
 * @param batchMillis                publications arriving this close together are sent as one delta
 * @param snapshotPoints             buckets in the snapshot when a subscription does not ask
 * @param catchUpSeconds             how often live queries read their stream for publications they missed
 */
@ConfigurationProperties("pulse.stream")
public record StreamSettings(@Bindable(defaultValue = "15") @Positive int heartbeatSeconds,
                             @Bindable(defaultValue = "20") @Positive int maxSubscriptionsPerConnection,
                             @Bindable(defaultValue = "20000") @Positive int maxSubscriptionsPerTenant,
                             @Bindable(defaultValue = "64") @Positive int bufferFrames,
                             @Bindable(defaultValue = "10") @Positive int slowCloseSeconds,
                             @Bindable(defaultValue = "50") @Positive int batchMillis,
                             @Bindable(defaultValue = "60") @Positive int snapshotPoints,
                             @Bindable(defaultValue = "5") @Positive int catchUpSeconds) {
}
