package io.pulse.serving.cache;

import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.type.Argument;
import io.pulse.contracts.rollup.RedisKeys;
import io.pulse.contracts.text.Digests;
import io.pulse.serving.query.QueryEngine;
import io.pulse.serving.query.SeriesQuery;
import io.pulse.serving.query.SeriesResult;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Set;

/**
 * Series results through a Redis cache in front of the query engine. Keys carry the caller's tenant and
 * the metric, so no entry can answer another tenant. A result over windows that can no longer change is
 * kept long; one touching open windows is kept briefly and listed per (tenant, metric), and the rollup
 * job's publication of a new value for that metric (the same message live subscribers get) drops them.
 */
@Singleton
public class CachedSeries implements AutoCloseable {

    private final QueryEngine engine;
    private final CacheSettings settings;
    private final RedisCache cache;
    private final String namespace;
    private final StatefulRedisPubSubConnection<String, String> invalidations;

    public CachedSeries(QueryEngine engine, CacheSettings settings, RedisCache cache, RedisClient client,
                        @Value("${pulse.redis.namespace:pulse}") String namespace) {
        this.engine = engine;
        this.settings = settings;
        this.cache = cache;
        this.namespace = namespace;
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
        return cache.get(key, Argument.of(SeriesResult.class), () -> engine.series(tenant, query), (redis, k, json) -> {
            boolean settled = query.to().plusSeconds(settings.settleSeconds()).isBefore(Instant.now());
            redis.set(k, json, SetArgs.Builder.ex(settled ? settings.closedTtlSeconds() : settings.openTtlSeconds()));
            if (!settled) {
                String open = openIndex(tenant, query.metric());
                redis.sadd(open, k);
                redis.expire(open, settings.openTtlSeconds());
            }
        });
    }

    /** A publication on {@code <ns>:rollups:<tenant>:<metric>} drops that metric's open-window results. */
    private void invalidate(String channel) {
        String[] parts = channel.split(":");
        if (parts.length < 4) {
            return;
        }
        RedisCommands<String, String> redis = cache.commands();
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

    @PreDestroy
    @Override
    public void close() {
        invalidations.close();
    }
}
