package io.pulse.serving.cache;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.type.Argument;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.RedisKeys;
import io.pulse.contracts.text.Digests;
import io.pulse.serving.query.QueryEngine;
import io.pulse.serving.query.SeriesQuery;
import io.pulse.serving.query.SeriesResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Series results through a Redis cache in front of the query engine. Keys carry the caller's tenant and
 * the metric, so no entry can answer another tenant. Entries live under the metric's generation, which
 * the rollup job moves in the same step as it publishes a change of the metric's rows (a window result
 * or a correction): the next request after a publication recomputes. The lifetime is a second bound,
 * for a change whose publication was lost: short while the answer's last window can still be written,
 * long once it cannot.
 */
@Context // at start-up, so its cache meters are scraped from the first scrape on
public class CachedSeries {

    private final QueryEngine engine;
    private final CacheSettings settings;
    private final RedisCache cache;
    private final RedisCache.Meter meter;
    private final String namespace;
    private final RedisKeys keys;
    private final Clock clock;

    public CachedSeries(QueryEngine engine, CacheSettings settings, RedisCache cache, Clock clock,
                        @Value("${pulse.redis.namespace:pulse}") String namespace) {
        this.engine = engine;
        this.settings = settings;
        this.cache = cache;
        this.meter = cache.meter("series");
        this.clock = clock;
        this.namespace = namespace;
        this.keys = new RedisKeys(namespace);
    }

    /** Answers from the cache, or from the engine (storing the answer); a Redis outage only costs speed. */
    public SeriesResult series(String tenant, SeriesQuery query) {
        return answer(tenant, query).value();
    }

    /** As {@link #series}, with the answer's JSON renderings (the REST versions' bodies) kept beside it. */
    public Answer<SeriesResult> answer(String tenant, SeriesQuery query) {
        String key = namespace + ":cache:" + tenant + ":" + query.metric() + ":" + Digests.sha256(query.toString());
        Duration lifetime = Duration.ofSeconds(settled(query, clock.instant())
                ? settings.closedTtlSeconds() : settings.openTtlSeconds());
        return cache.getGenerational(meter, keys.generation(tenant, query.metric()), key, Argument.of(SeriesResult.class),
                () -> engine.series(tenant, query), lifetime);
    }

    /**
     * Whether every window the answer covers had ended, with the settle margin, when it was asked for: the
     * last one starts before {@code to} and may end long after it (the 10:00 hour of a range to 10:20).
     */
    private boolean settled(SeriesQuery query, Instant asked) {
        Granularity step = engine.stepFor(query);
        long lastStart = Math.floorDiv(query.to().toEpochMilli() - 1, step.slideMillis()) * step.slideMillis();
        long lastEnd = lastStart + step.sizeMillis();
        return Instant.ofEpochMilli(lastEnd).plusSeconds(settings.settleSeconds()).isBefore(asked);
    }
}
