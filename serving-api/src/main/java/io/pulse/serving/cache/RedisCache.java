package io.pulse.serving.cache;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.micronaut.core.type.Argument;
import io.micronaut.serde.ObjectMapper;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
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
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;
    private final Map<String, CompletableFuture<Object>> inFlight = new ConcurrentHashMap<>();

    public RedisCache(ObjectMapper json, RedisClient client) {
        this.json = json;
        this.connection = client.connect();
        this.redis = connection.sync();
    }

    /**
     * The cached answer under {@code key}, or {@code compute}'s, which {@code store} then writes (given
     * the commands, the key and the JSON, so it picks the lifetime and any index).
     */
    @SuppressWarnings("unchecked")
    public <T> T get(String key, Argument<T> type, Supplier<T> compute, Store store) {
        try {
            String cached = redis.get(key);
            if (cached != null) {
                return json.readValue(cached, type);
            }
        } catch (RedisException e) {
            LOG.warn("cache unavailable, answering without it", e);
            return compute.get();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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

    /** Commands for what is not a cached answer (dropping entries). */
    RedisCommands<String, String> commands() {
        return redis;
    }

    @PreDestroy
    @Override
    public void close() {
        connection.close();
    }
}
