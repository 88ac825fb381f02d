package io.pulse.serving.cache;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers kept in Redis as JSON. A miss computes the answer once however many callers ask for the key
 * at the same moment (every viewer's panel when a step boundary passes); a Redis outage only costs
 * speed: the answer is computed and not stored.
 */
@Singleton
public class RedisCache implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisCache.class);

    private final ObjectMapper json;
    private final MeterRegistry registry;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;
    private final Map<String, CompletableFuture<Object>> inFlight = new ConcurrentHashMap<>();

    /** Lookups of one use of the cache, by outcome: found, computed, or computed because Redis failed. */
    public record Meter(Counter hit, Counter miss, Counter unavailable) { }

    public RedisCache(ObjectMapper json, RedisClient client, MeterRegistry registry) {
        this.json = json;
        this.registry = registry;
        this.connection = client.connect();
        this.redis = connection.sync();
    }

    /** The meter of the cache's use named {@code cache} ({@code series}, {@code catalog}). */
    public Meter meter(String cache) {
        return new Meter(counter(cache, "hit"), counter(cache, "miss"), counter(cache, "unavailable"));
    }

    private Counter counter(String cache, String result) {
        return Counter.builder("pulse.cache.requests").tag("cache", cache).tag("result", result)
                .description("Cache lookups by outcome").register(registry);
    }

    /** Reads a key's generation and the entry stored under that generation, in one round trip. */
    private static final String GENERATIONAL_GET = """
            local generation = redis.call('GET', KEYS[1]) or '0'
            return {generation, redis.call('GET', ARGV[1] .. ':' .. generation)}""";

    /**
     * The cached answer under {@code key}, or {@code compute}'s, which {@code store} then writes (given
     * the commands, the key and the JSON, so it picks the lifetime and any index).
     */
    public <T> T get(Meter meter, String key, Argument<T> type, Supplier<T> compute, Store store) {
        String cached;
        try {
            cached = redis.get(key);
        } catch (RedisException e) {
            LOG.warn("cache unavailable, answering without it", e);
            meter.unavailable().increment();
            return compute.get();
        }
        return answer(meter, key, cached, type, compute, store);
    }

    /**
     * As {@link #get}, but the entry lives under the current value of {@code generationKey}: once that
     * moves, every entry stored under an older value is never read again, including one computed before
     * the move and stored after it.
     */
    public <T> T getGenerational(Meter meter, String generationKey, String key, Argument<T> type,
                                 Supplier<T> compute, Store store) {
        List<Object> found;
        try {
            found = redis.eval(GENERATIONAL_GET, ScriptOutputType.MULTI, new String[] {generationKey}, key);
        } catch (RedisException e) {
            LOG.warn("cache unavailable, answering without it", e);
            meter.unavailable().increment();
            return compute.get();
        }
        return answer(meter, key + ":" + found.get(0), (String) found.get(1), type, compute, store);
    }

    @SuppressWarnings("unchecked")
    private <T> T answer(Meter meter, String key, String cached, Argument<T> type, Supplier<T> compute,
                         Store store) {
        try {
            if (cached != null) {
                meter.hit().increment();
                return json.readValue(cached, type);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        meter.miss().increment();
        CompletableFuture<Object> mine = new CompletableFuture<>();
        CompletableFuture<Object> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            try {
                return (T) running.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e; // the computing caller's error
            }
        }
        T answer;
        try {
            answer = compute.get();
            mine.complete(answer);
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
        try {
            store.accept(redis, key, json.writeValueAsString(answer));
        } catch (RedisException e) {
            LOG.warn("cache unavailable, answer not stored", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return answer;
    }

    /** Writes a computed answer. */
    @FunctionalInterface
    public interface Store {
        void accept(RedisCommands<String, String> redis, String key, String json);
    }

    @PreDestroy
    @Override
    public void close() {
        connection.close();
    }
}
