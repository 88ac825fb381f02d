package io.pulse.serving.cache;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.micronaut.context.annotation.Value;
import io.micronaut.serde.ObjectMapper;
import io.pulse.contracts.rollup.RedisKeys;
import io.pulse.contracts.text.Digests;
import io.pulse.serving.query.QueryEngine;
import io.pulse.serving.query.SeriesQuery;
import io.pulse.serving.query.SeriesResult;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Series results through a Redis cache in front of the query engine. Keys carry the caller's tenant and
 * the metric, so no entry can answer another tenant. A result over windows that can no longer change is
 * kept long; one touching open windows is kept briefly and listed per (tenant, metric), and the rollup
 * job's publication of a new value for that metric (the same message live subscribers get) drops them.
 */
@Singleton
public class CachedSeries implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CachedSeries.class);

    private final QueryEngine engine;
    private final CacheSettings settings;
    private final ObjectMapper json;
    private final String namespace;
    private final RedisCommands<String, String> redis;
    private final StatefulRedisConnection<String, String> connection;
    private final StatefulRedisPubSubConnection<String, String> invalidations;
    private final Map<String, CompletableFuture<SeriesResult>> inFlight = new ConcurrentHashMap<>();

    public CachedSeries(QueryEngine engine, CacheSettings settings, ObjectMapper json, RedisClient client,
                        @Value("${pulse.redis.namespace:pulse}") String namespace) {
        this.engine = engine;
        this.settings = settings;
        this.json = json;
        this.namespace = namespace;
        this.connection = client.connect();
        this.redis = connection.sync();
        this.invalidations = client.connectPubSub();
        invalidations.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String pattern, String channel, String message) {
                invalidate(channel);
            }
        });
        invalidations.sync().psubscribe(new RedisKeys(namespace).channel("*", "*"));
    }

    /** Answers from the cache, or from the engine (storing the answer); a Redis outage only costs speed. */
    public SeriesResult series(String tenant, SeriesQuery query) {
        String key = namespace + ":cache:" + tenant + ":" + query.metric() + ":" + Digests.sha256(query.toString());
        try {
            String cached = redis.get(key);
            if (cached != null) {
                return read(cached);
            }
        } catch (RedisException e) {
            LOG.warn("series cache unavailable, answering from the database", e);
            return engine.series(tenant, query);
        }
        // concurrent misses of one key (every viewer's panel when a step boundary passes) share one query
        CompletableFuture<SeriesResult> mine = new CompletableFuture<>();
        CompletableFuture<SeriesResult> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            try {
                return running.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e; // the leader's error, as is
            }
        }
        SeriesResult result;
        try {
            result = engine.series(tenant, query);
            mine.complete(result);
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
        boolean settled = query.to().plusSeconds(settings.settleSeconds()).isBefore(Instant.now());
        try {
            redis.set(key, write(result),
                    SetArgs.Builder.ex(settled ? settings.closedTtlSeconds() : settings.openTtlSeconds()));
            if (!settled) {
                String open = openIndex(tenant, query.metric());
                redis.sadd(open, key);
                redis.expire(open, settings.openTtlSeconds());
            }
        } catch (RedisException e) {
            LOG.warn("series cache unavailable, answer not stored", e);
        }
        return result;
    }

    /** A publication on {@code <ns>:rollups:<tenant>:<metric>} drops that metric's open-window results. */
    private void invalidate(String channel) {
        String[] parts = channel.split(":");
        if (parts.length < 4) {
            return;
        }
        String open = openIndex(parts[parts.length - 2], parts[parts.length - 1]);
        Set<String> keys = redis.smembers(open);
        if (!keys.isEmpty()) {
            redis.del(keys.toArray(new String[0]));
        }
        redis.del(open);
    }

    private String openIndex(String tenant, String metric) {
        return namespace + ":cache-open:" + tenant + ":" + metric;
    }

    private SeriesResult read(String text) {
        try {
            return json.readValue(text, SeriesResult.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String write(SeriesResult result) {
        try {
            return json.writeValueAsString(result);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }


    @PreDestroy
    @Override
    public void close() {
        invalidations.close();
        connection.close();
    }
}
