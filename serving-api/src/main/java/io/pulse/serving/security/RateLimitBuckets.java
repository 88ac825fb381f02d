package io.pulse.serving.security;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.RemoteAsyncBucketBuilder;
import io.github.bucket4j.distributed.proxy.optimization.DelayParameters;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Per-minute token buckets kept in Redis (Bucket4j's Lettuce backend), so every instance counts the
 * same; what {@link RateLimitFilter}, {@link AddressRateLimitFilter} and {@link SocketLimits} take their
 * tokens from.
 *
 * <p>A limit of at least {@link #LOCAL_SHARE_FROM} a minute is taken locally between synchronisations
 * (Bucket4j's delaying optimisation): an instance goes to Redis once per 1 % of the limit it has taken,
 * or after {@link #SYNC_AT_LEAST_EVERY} has passed, so most requests make no round trip. Each instance
 * may overshoot a bucket by at most that 1 % between two synchronisations. Smaller limits (logins,
 * exports, tests) are counted exactly, one round trip per take.
 */
@Singleton
public class RateLimitBuckets implements AutoCloseable {

    static final long LOCAL_SHARE_FROM = 1000;
    static final Duration SYNC_AT_LEAST_EVERY = Duration.ofMillis(200);
    private static final int MAX_LOCAL_BUCKETS = 100_000;

    /** One take: the bucket's limit and Bucket4j's answer (taken or not, what remains, when refilled). */
    public record Measured(long limit, ConsumptionProbe probe) {

        /** Of two takes that both succeeded, the one with fewer tokens left: its headers are the truth. */
        static Measured tighter(Measured a, @Nullable Measured b) {
            return b == null || a.probe().getRemainingTokens() <= b.probe().getRemainingTokens() ? a : b;
        }
    }

    /** A request's or connection's take: allowed or not, and the bucket that refused it, else the tighter one. */
    public record Decision(boolean allowed, Measured measured) {

        static Decision of(Measured first, @Nullable Measured second) {
            if (!first.probe().isConsumed()) {
                return new Decision(false, first);
            }
            if (second != null && !second.probe().isConsumed()) {
                return new Decision(false, second);
            }
            return new Decision(true, Measured.tighter(first, second));
        }
    }

    private final RateLimitSettings settings;
    private final String namespace;
    private final Clock clock;
    private final StatefulRedisConnection<String, byte[]> connection;
    private final AsyncProxyManager<String> buckets;
    /** Bucket proxies by key: an optimised proxy holds the local share, so it must be reused. */
    private final Map<String, AsyncBucketProxy> proxies = leastRecentlyUsed(MAX_LOCAL_BUCKETS);
    /** Client addresses whose failed-authentication bucket ran dry, until it refills: refused locally. */
    private final Map<String, Instant> failingAddresses = leastRecentlyUsed(MAX_LOCAL_BUCKETS);

    public RateLimitBuckets(RateLimitSettings settings, RedisClient client, Clock clock,
                            @Value("${pulse.redis.namespace:pulse}") String namespace) {
        this.settings = settings;
        this.namespace = namespace;
        this.clock = clock;
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
        CompletableFuture<Measured> byIp = takeByAddress(routeClass, ip);
        CompletableFuture<Measured> byCaller = subject == null ? CompletableFuture.completedFuture(null)
                : takeByCaller(routeClass, tenant, subject);
        return byIp.thenCombine(byCaller, Decision::of);
    }

    /** One token from the client address's bucket of {@code routeClass}. */
    public CompletableFuture<Measured> takeByAddress(RouteClass routeClass, String ip) {
        return take("ip:" + ip, routeClass, settings.perIp(routeClass));
    }

    /** One token from the caller's bucket of {@code routeClass} (tenant and subject). */
    public CompletableFuture<Measured> takeByCaller(RouteClass routeClass, @Nullable String tenant, String subject) {
        return take("caller:" + tenant + "/" + subject, routeClass, settings.perCaller(routeClass));
    }

    /**
     * Counts a request from {@code ip} that failed authentication (none, or bad credentials). Once the
     * address's failures bucket is dry, {@link #refusedForFailures} answers this instance locally until it
     * refills, so refused guesses cost no credential lookup and no Redis round trip.
     */
    public CompletableFuture<Measured> recordFailedAuthentication(String ip) {
        return take("ip:" + ip, RouteClass.FAILED_AUTH, settings.failedAuthPerIp()).thenApply(measured -> {
            if (!measured.probe().isConsumed() || measured.probe().getRemainingTokens() == 0) {
                failingAddresses.put(ip, clock.instant().plusNanos(Math.max(measured.probe().getNanosToWaitForRefill(),
                        Duration.ofMinutes(1).toNanos() / settings.failedAuthPerIp())));
            }
            return measured;
        });
    }

    /** How long {@code ip} must wait because of failed authentications, or null when it need not. */
    public @Nullable Duration refusedForFailures(String ip) {
        Instant until = failingAddresses.get(ip);
        if (until == null) {
            return null;
        }
        Duration left = Duration.between(clock.instant(), until);
        if (left.isNegative() || left.isZero()) {
            failingAddresses.remove(ip, until);
            return null;
        }
        return left;
    }

    private CompletableFuture<Measured> take(String who, RouteClass routeClass, long perMinute) {
        String key = namespace + ":ratelimit:" + routeClass.name().toLowerCase(Locale.ROOT) + ":" + who + ":" + perMinute;
        AsyncBucketProxy bucket = proxies.computeIfAbsent(key, k -> build(k, perMinute));
        return bucket.tryConsumeAndReturnRemaining(1).thenApply(probe -> new Measured(perMinute, probe));
    }

    private AsyncBucketProxy build(String key, long perMinute) {
        BucketConfiguration configuration = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)))
                .build();
        RemoteAsyncBucketBuilder<String> builder = buckets.builder();
        if (perMinute >= LOCAL_SHARE_FROM) {
            builder = builder.withOptimization(
                    Optimizations.delaying(new DelayParameters(perMinute / 100, SYNC_AT_LEAST_EVERY)));
        }
        return builder.build(key, () -> CompletableFuture.completedFuture(configuration));
    }

    /** A thread-safe map keeping the {@code bound} most recently used entries (callers and addresses are unbounded). */
    private static <V> Map<String, V> leastRecentlyUsed(int bound) {
        return Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > bound;
            }
        });
    }

    @PreDestroy
    @Override
    public void close() {
        connection.close();
    }
}
