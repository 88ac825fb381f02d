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
import io.micronaut.core.annotation.Nullable;
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

    /** A request's or connection's take: allowed or not, and the bucket that refused it, else the tighter one. */
    public record Decision(boolean allowed, Measured measured) { }

    private final RateLimitSettings settings;
    private final String namespace;
    private final StatefulRedisConnection<String, byte[]> connection;
    private final AsyncProxyManager<String> buckets;

    public RateLimitBuckets(RateLimitSettings settings, RedisClient client,
                            @Value("${pulse.redis.namespace:pulse}") String namespace) {
        this.settings = settings;
        this.namespace = namespace;
        this.connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        this.buckets = Bucket4jLettuce.casBasedBuilder(connection)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1)))
                .build().asAsync();
    }

    /**
     * Takes one token of {@code routeClass} from the client IP's bucket and, for a known caller (tenant and
     * subject; an API key is its own subject), from the caller's: allowed only if both had one.
     */
    public CompletableFuture<Decision> take(RouteClass routeClass, String ip, @Nullable String tenant,
                                            @Nullable String subject) {
        CompletableFuture<Measured> byIp = take("ip:" + ip, routeClass, settings.perIp(routeClass));
        CompletableFuture<Measured> byCaller = subject == null ? CompletableFuture.completedFuture(null)
                : take("caller:" + tenant + "/" + subject, routeClass, settings.perCaller(routeClass));
        return byIp.thenCombine(byCaller, (address, caller) -> {
            if (!address.probe().isConsumed()) {
                return new Decision(false, address);
            }
            if (caller == null) {
                return new Decision(true, address);
            }
            if (!caller.probe().isConsumed()) {
                return new Decision(false, caller);
            }
            boolean callerTighter = caller.probe().getRemainingTokens() <= address.probe().getRemainingTokens();
            return new Decision(true, callerTighter ? caller : address);
        });
    }

    private CompletableFuture<Measured> take(String who, RouteClass routeClass, long perMinute) {
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
