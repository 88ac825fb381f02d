package io.pulse.serving.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.core.type.Argument;
import io.micronaut.serde.ObjectMapper;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers kept in Redis as JSON, with a copy of each in this process. A miss computes the answer once
 * however many callers ask for the key at the same moment (every viewer's panel when a step boundary
 * passes); a Redis outage only costs speed: the answer is computed and not stored.
 *
 * <p>The process's copy (decoded, with its renderings) lives no longer than the Redis entry it came from,
 * and a generational entry's copy is used only while Redis still names its generation, which every lookup
 * reads: so it answers exactly what Redis would, without moving and decoding the JSON each time.
 */
@Singleton
public class RedisCache implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisCache.class);

    private final ObjectMapper json;
    private final MeterRegistry registry;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;
    private final Map<String, CompletableFuture<Answer<?>>> inFlight = new ConcurrentHashMap<>();
    private final Cache<String, Held> held;

    /** Lookups of one use of the cache, by outcome: found, computed, or computed because Redis failed. */
    public record Meter(Counter hit, Counter miss, Counter unavailable) { }

    /** This process's copy of an entry: its generation ("" when it has none), lifetime and size. */
    private record Held(String generation, Answer<?> answer, Duration lifetime, int weight) { }

    public RedisCache(ObjectMapper json, RedisClient client, MeterRegistry registry, CacheSettings settings, Clock clock) {
        this.json = json;
        this.registry = registry;
        this.connection = client.connect();
        this.redis = connection.sync();
        this.held = Caffeine.newBuilder()
                .maximumWeight(settings.localMegabytes() * 1024 * 1024)
                .weigher((String key, Held entry) -> entry.weight())
                .expireAfter(Expiry.creating((String key, Held entry) -> entry.lifetime()))
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .build();
    }

    /** The meter of the cache's use named {@code cache} ({@code series}, {@code catalog}). */
    public Meter meter(String cache) {
        return new Meter(counter(cache, "hit"), counter(cache, "miss"), counter(cache, "unavailable"));
    }

    private Counter counter(String cache, String result) {
        return Counter.builder("pulse.cache.requests").tag("cache", cache).tag("result", result)
                .description("Cache lookups by outcome").register(registry);
    }

    /** Reads an entry and its remaining lifetime in ms, in one round trip. */
    private static final String GET_WITH_LIFETIME = """
            return {redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1])}""";

    /**
     * Reads a key's generation and, unless the caller holds the entry of that generation (ARGV[2]), the
     * entry stored under it with its remaining lifetime in ms, in one round trip.
     */
    private static final String GENERATIONAL_GET = """
            local generation = redis.call('GET', KEYS[1]) or '0'
            if generation == ARGV[2] then return {generation} end
            local entry = ARGV[1] .. ':' .. generation
            return {generation, redis.call('GET', entry), redis.call('PTTL', entry)}""";

    /** The cached answer under {@code key}, or {@code compute}'s, stored for {@code lifetime}. */
    public <T> Answer<T> get(Meter meter, String key, Argument<T> type, Supplier<T> compute, Duration lifetime) {
        Held mine = held.getIfPresent(key);
        if (mine != null) {
            meter.hit().increment();
            return cast(mine.answer());
        }
        List<Object> found;
        try {
            found = redis.eval(GET_WITH_LIFETIME, ScriptOutputType.MULTI, key);
        } catch (RedisException e) {
            return unavailable(meter, e, compute);
        }
        return answer(meter, key, key, "", found.get(0), found.get(1), type, compute, lifetime);
    }

    /**
     * As {@link #get}, but the entry lives under the current value of {@code generationKey}: once that
     * moves, every entry stored under an older value is never read again, including one computed before
     * the move and stored after it.
     */
    public <T> Answer<T> getGenerational(Meter meter, String generationKey, String key, Argument<T> type,
                                         Supplier<T> compute, Duration lifetime) {
        Held mine = held.getIfPresent(key);
        List<Object> found;
        try {
            found = redis.eval(GENERATIONAL_GET, ScriptOutputType.MULTI, new String[] {generationKey}, key,
                    mine == null ? "" : mine.generation());
        } catch (RedisException e) {
            return unavailable(meter, e, compute);
        }
        String generation = (String) found.get(0);
        if (found.size() == 1) {
            meter.hit().increment();
            return cast(mine.answer());
        }
        return answer(meter, key, key + ":" + generation, generation, found.get(1), found.get(2), type, compute,
                lifetime);
    }

    private <T> Answer<T> unavailable(Meter meter, RedisException e, Supplier<T> compute) {
        LOG.warn("cache unavailable, answering without it", e);
        meter.unavailable().increment();
        return new Answer<>(compute.get(), json);
    }

    /**
     * Holds the entry read from Redis ({@code cached}, alive {@code ttl} more ms) under {@code key}, or
     * computes one, stores it in Redis under {@code stored} and holds it.
     */
    private <T> Answer<T> answer(Meter meter, String key, String stored, String generation, Object cached, Object ttl,
                                 Argument<T> type, Supplier<T> compute, Duration lifetime) {
        if (cached instanceof String text) {
            meter.hit().increment();
            Answer<T> found;
            try {
                found = new Answer<>(json.readValue(text, type), json);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            long remaining = (Long) ttl; // -1: stored without a lifetime
            hold(key, generation, found, remaining < 0 ? lifetime : Duration.ofMillis(remaining), text);
            return found;
        }
        meter.miss().increment();
        CompletableFuture<Answer<?>> computing = new CompletableFuture<>();
        CompletableFuture<Answer<?>> running = inFlight.putIfAbsent(stored, computing);
        if (running != null) {
            try {
                return cast(running.join());
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e; // the computing caller's error
            }
        }
        Answer<T> computed;
        try {
            computed = new Answer<>(compute.get(), json);
            computing.complete(computed);
        } catch (RuntimeException e) {
            computing.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(stored, computing);
        }
        String text;
        try {
            text = json.writeValueAsString(computed.value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            redis.set(stored, text, SetArgs.Builder.px(lifetime.toMillis()));
            hold(key, generation, computed, lifetime, text);
        } catch (RedisException e) {
            LOG.warn("cache unavailable, answer not stored", e);
        }
        return computed;
    }

    /** Weighed at twice the JSON's length: the decoded value and its renderings are about that size again. */
    private void hold(String key, String generation, Answer<?> answer, Duration lifetime, String text) {
        if (!lifetime.isNegative() && !lifetime.isZero()) {
            held.put(key, new Held(generation, answer, lifetime, (int) Math.min(Integer.MAX_VALUE, 2L * text.length())));
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> Answer<T> cast(Answer<?> answer) {
        return (Answer<T>) answer;
    }

    @PreDestroy
    @Override
    public void close() {
        connection.close();
    }
}
