package io.pulse.serving.security;

import io.github.bucket4j.Bucket;
import io.micronaut.http.HttpRequest;
import io.pulse.serving.caller.Caller;
import io.pulse.serving.security.RateLimitSettings.RouteClass;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * WebSocket limits: connections opened per minute per caller and per client IP (Redis buckets, shared by
 * every instance), and messages per second per connection (a bucket of the connection's own).
 */
@Singleton
public class SocketLimits {

    private final RateLimitSettings settings;
    private final RateLimitBuckets buckets;
    private final ClientAddress clientAddress;
    private final RateLimitMetrics metrics;

    SocketLimits(RateLimitSettings settings, RateLimitBuckets buckets, ClientAddress clientAddress,
                 RateLimitMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
        this.buckets = buckets;
        this.clientAddress = clientAddress;
    }

    /** Whether {@code caller} may open one more socket now, counted against both its buckets. */
    public CompletableFuture<Boolean> admit(Caller caller, HttpRequest<?> upgrade) {
        if (!settings.enabled()) {
            return CompletableFuture.completedFuture(true);
        }
        return buckets.take(RouteClass.WEBSOCKET, clientAddress.of(upgrade), caller.tenant(), caller.subject())
                .thenApply(decision -> {
                    if (!decision.allowed()) {
                        metrics.rejected(RateLimitMetrics.Limit.WEBSOCKET_CONNECTION);
                    }
                    return decision.allowed();
                });
    }

    /** A new connection's message budget: takes one message, false past the rate; unlimited when off. */
    public BooleanSupplier messageBudget() {
        if (!settings.enabled()) {
            return () -> true;
        }
        long perSecond = settings.websocketMessagesPerSecond();
        Bucket bucket = Bucket.builder().addLimit(limit -> limit.capacity(perSecond).refillGreedy(perSecond,
                Duration.ofSeconds(1))).build();
        return () -> {
            if (bucket.tryConsume(1)) {
                return true;
            }
            metrics.rejected(RateLimitMetrics.Limit.WEBSOCKET_MESSAGE);
            return false;
        };
    }
}
