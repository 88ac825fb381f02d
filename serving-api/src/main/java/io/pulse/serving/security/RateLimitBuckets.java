package io.pulse.serving.security;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.micronaut.context.annotation.Value;
import io.pulse.serving.security.RateLimitSettings.RouteClass;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Per-minute token buckets kept in Redis (Bucket4j's Lettuce backend), so every instance counts the
 * same; what {@link RateLimitFilter} and {@link SocketLimits} take their tokens from.
 */
@Singleton
public class RateLimitBuckets implements AutoCloseable {

    /** One take: the bucket's limit and Bucket4j's answer (taken or not, what remains, when refilled). */
    public record Measured(long limit, ConsumptionProbe probe) { }

    private final String namespace;
    private final StatefulRedisConnection<String, byte[]> connection;
    private final AsyncProxyManager<String> buckets;

    public RateLimitBuckets(RedisClient client, @Value("${pulse.redis.namespace:pulse}") String namespace) {
        this.namespace = namespace;
        this.connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        this.buckets = Bucket4jLettuce.casBasedBuilder(connection)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1)))
                .build().asAsync();
    }

    /** Takes one token from {@code who}'s bucket of {@code routeClass}, refilled at {@code perMinute}. */
    public CompletableFuture<Measured> take(String who, RouteClass routeClass, long perMinute) {
        BucketConfiguration configuration = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)))
                .build();
        String key = namespace + ":ratelimit:" + routeClass.name().toLowerCase(Locale.ROOT) + ":" + who + ":" + perMinute;
        return buckets.getProxy(key, () -> CompletableFuture.completedFuture(configuration))
                .tryConsumeAndReturnRemaining(1)
                .thenApply(probe -> new Measured(perMinute, probe));
    }

    @PreDestroy
    @Override
    public void close() {
        connection.close();
    }
}
