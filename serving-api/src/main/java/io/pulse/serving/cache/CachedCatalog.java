package io.pulse.serving.cache;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.type.Argument;
import io.pulse.serving.query.MetricCatalog;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The metric catalog through the Redis cache: it scans days of hourly rows and changes only when a
 * metric or dimension value appears, so an answer is kept {@code pulse.cache.catalog-ttl-seconds} (60 s)
 * per tenant. {@code since} is taken to the minute, so callers asking for "the last 7 days" share entries.
 */
@Context // at start-up, so its cache meters are scraped from the first scrape on
public class CachedCatalog {

    private final MetricCatalog catalog;
    private final RedisCache cache;
    private final RedisCache.Meter meter;
    private final CacheSettings settings;
    private final String namespace;

    public CachedCatalog(MetricCatalog catalog, RedisCache cache, CacheSettings settings,
                         @Value("${pulse.redis.namespace:pulse}") String namespace) {
        this.catalog = catalog;
        this.cache = cache;
        this.meter = cache.meter("catalog");
        this.settings = settings;
        this.namespace = namespace;
    }

    public List<MetricCatalog.Metric> metrics(String tenant, Instant since, int topValues) {
        Instant minute = since.truncatedTo(ChronoUnit.MINUTES);
        String key = namespace + ":catalog:" + tenant + ":" + minute.getEpochSecond() + ":" + topValues;
        return cache.get(meter, key, Argument.listOf(MetricCatalog.Metric.class),
                () -> catalog.metrics(tenant, minute, topValues), Duration.ofSeconds(settings.catalogTtlSeconds())).value();
    }
}
