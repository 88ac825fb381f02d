package io.pulse.serving.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import io.micronaut.core.type.Argument;
import io.micronaut.context.ApplicationContext;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.RedisKeys;
import io.pulse.contracts.schema.Migrations;
import io.pulse.contracts.testing.TestServices;
import io.pulse.serving.query.Aggregate;
import io.pulse.serving.query.MetricCatalog;
import io.pulse.serving.query.SeriesQuery;
import io.pulse.serving.testing.LivePublisher;
import io.pulse.serving.testing.RollupRows;
import io.pulse.serving.testing.SettableClock;
import io.pulse.serving.testing.ServingProperties;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The series cache on real Redis and PostgreSQL: fresh after every publication of its metric, lifetimes
 * by whether the last window can still change, and tenant separation.
 */
class CachedSeriesIT {

    private static final TestServices.Postgres POSTGRES = TestServices.postgres();
    private static final String NAMESPACE = TestServices.uniqueName("cache-it");
    private static String url;
    private static ApplicationContext context;
    private static CachedSeries cache;
    private static final SettableClock CLOCK = new SettableClock(Instant.now());
    private static RollupRows rows;
    private static LivePublisher publisher;

    @BeforeAll
    static void start() {
        url = POSTGRES.createDatabase("pulse_cache");
        Migrations.apply(url, POSTGRES.user(), POSTGRES.password());
        rows = new RollupRows(url, POSTGRES.user(), POSTGRES.password());
        publisher = new LivePublisher(rows, NAMESPACE);
        context = ApplicationContext.builder()
                .properties(ServingProperties.forDatabase(url, Map.of("pulse.redis.namespace", NAMESPACE)))
                .singletons(CLOCK).start();
        cache = context.getBean(CachedSeries.class);
    }

    @AfterAll
    static void stop() {
        context.close();
        publisher.close();
        POSTGRES.dropDatabase(url);
    }

    private static long count(String tenant, String metric, Instant from, Instant to) {
        return count(tenant, new SeriesQuery(metric, from, to, Granularity.ONE_MINUTE, Aggregate.COUNT, List.of(),
                List.of(), 0));
    }

    private static long count(String tenant, SeriesQuery query) {
        return cache.series(tenant, query).series().stream().mapToLong(s -> s.events()).sum();
    }

    /** Lifetimes of the entries stored for the tenant's metric, in seconds. */
    private static List<Long> lifetimes(String tenant, String metric) {
        RedisCommands<String, String> redis = context.getBean(RedisClient.class).connect().sync();
        try {
            return redis.keys(NAMESPACE + ":cache:" + tenant + ":" + metric + ":*").stream().map(redis::ttl).toList();
        } finally {
            redis.getStatefulConnection().close();
        }
    }

    @Test
    void theNextAnswerAfterAPublicationOfTheMetricReflectsIt() throws Exception {
        Instant minute = CLOCK.instant().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(3));
        Instant to = CLOCK.instant().plus(Duration.ofMinutes(1));
        rows.write(Granularity.ONE_MINUTE, "acme", "live", Map.of(), minute, new double[] {1, 2, 3}, 1);
        assertThat(count("acme", "live", minute, to)).isEqualTo(3);

        rows.write(Granularity.ONE_MINUTE, "acme", "live", Map.of(), minute.plusSeconds(120), new double[] {5}, 1);
        assertThat(count("acme", "live", minute, to)).as("served from the cache").isEqualTo(3);

        // the job's publication of a new row moves the metric's generation in the same step
        publisher.publish(Granularity.ONE_MINUTE, "acme", "live", Map.of(), minute.plusSeconds(60), 4);
        assertThat(count("acme", "live", minute, to)).isEqualTo(5);
    }

    @Test
    void aCorrectionOfASettledWindowReachesTheCachedAnswer() throws Exception {
        Instant minute = Instant.parse("2026-11-20T10:00:00Z");
        Instant to = minute.plus(Duration.ofMinutes(5));
        rows.write(Granularity.ONE_MINUTE, "acme", "settled", Map.of(), minute, new double[] {1, 2}, 1);
        assertThat(count("acme", "settled", minute, to)).isEqualTo(2);
        assertThat(lifetimes("acme", "settled")).as("kept long: its windows had ended")
                .allSatisfy(ttl -> assertThat(ttl).isGreaterThan(3600));

        publisher.publish(Granularity.ONE_MINUTE, "acme", "settled", Map.of(), minute.plusSeconds(60), 9, 9);
        assertThat(count("acme", "settled", minute, to)).isEqualTo(4);
        assertThat(count("acme", "other", minute, to)).as("another metric's publication").isZero();
    }

    @Test
    void anAnswerComputedBeforeAPublicationAndStoredAfterItIsNotServedAgain() throws Exception {
        Instant minute = Instant.parse("2026-11-20T12:00:00Z");
        RedisCache redisCache = context.getBean(RedisCache.class);
        String generation = new RedisKeys(NAMESPACE).generation("acme", "raced");
        AtomicInteger computed = new AtomicInteger();
        Supplier<Long> computeWhileAPublicationLands = () -> {
            if (computed.get() == 0) {
                try {
                    publisher.publish(Granularity.ONE_MINUTE, "acme", "raced", Map.of(), minute, 1);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return (long) computed.incrementAndGet();
        };
        String key = NAMESPACE + ":cache:acme:raced:test";
        RedisCache.Meter meter = redisCache.meter(TestServices.uniqueName("raced"));
        assertThat(redisCache.getGenerational(meter, generation, key, Argument.LONG, computeWhileAPublicationLands, Duration.ofHours(1)).value())
                .isEqualTo(1);
        assertThat(redisCache.getGenerational(meter, generation, key, Argument.LONG, computeWhileAPublicationLands, Duration.ofHours(1)).value())
                .as("computed again: the first answer was stored under the generation before the publication")
                .isEqualTo(2);
        assertThat(redisCache.getGenerational(meter, generation, key, Argument.LONG, computeWhileAPublicationLands, Duration.ofHours(1)).value())
                .as("no publication since the second, so it stands").isEqualTo(2);
        assertThat(meter.miss().count()).isEqualTo(2);
        assertThat(meter.hit().count()).isEqualTo(1);
        assertThat(meter.unavailable().count()).isZero();
    }

    @Test
    void theProcessKeepsAnAnswerAndItsRenderingsNoLongerThanItsLifetime() {
        RedisCache redisCache = context.getBean(RedisCache.class);
        String generation = new RedisKeys(NAMESPACE).generation("acme", "held");
        String key = NAMESPACE + ":cache:acme:held:test";
        RedisCache.Meter meter = redisCache.meter(TestServices.uniqueName("held"));
        AtomicInteger computed = new AtomicInteger();
        AtomicInteger rendered = new AtomicInteger();
        Supplier<Answer<Long>> lookup = () -> redisCache.getGenerational(meter, generation, key, Argument.LONG,
                () -> (long) computed.incrementAndGet(), Duration.ofHours(1));
        Function<Long, String> shape = value -> "v" + value + "#" + rendered.incrementAndGet();

        Answer<Long> first = lookup.get();
        assertThat(new String(first.json("view", shape))).isEqualTo("\"v1#1\"");
        Answer<Long> second = lookup.get();
        assertThat(second).as("held by the process").isSameAs(first);
        assertThat(new String(second.json("view", shape))).as("rendered once").isEqualTo("\"v1#1\"");

        CLOCK.set(CLOCK.instant().plus(Duration.ofMinutes(61)));
        try {
            Answer<Long> afterItsLifetime = lookup.get();
            assertThat(afterItsLifetime).as("read from Redis again").isNotSameAs(first);
            assertThat(afterItsLifetime.value()).isEqualTo(1);
            assertThat(new String(afterItsLifetime.json("view", shape))).isEqualTo("\"v1#2\"");
        } finally {
            CLOCK.set(Instant.now());
        }
        assertThat(computed).hasValue(1);
        assertThat(meter.miss().count()).isEqualTo(1);
        assertThat(meter.hit().count()).isEqualTo(2);
    }

    @Test
    void anAnswerWhoseLastHourIsOpenIsKeptOnlyBrieflyThoughItsRangeEndedEarlier() throws Exception {
        Instant nine = Instant.parse("2026-11-22T09:00:00Z");
        rows.write(Granularity.ONE_HOUR, "acme", "hourly", Map.of(), nine, new double[] {1}, 1);
        SeriesQuery toTwenty = new SeriesQuery("hourly", nine, Instant.parse("2026-11-22T10:20:00Z"),
                Granularity.ONE_HOUR, Aggregate.COUNT, List.of(), List.of(), 0);
        CLOCK.set(Instant.parse("2026-11-22T10:21:40Z")); // 100 s after its end, but the 10:00 hour is open
        try {
            assertThat(count("acme", toTwenty)).isEqualTo(1);
            assertThat(lifetimes("acme", "hourly")).hasSize(1)
                    .allSatisfy(ttl -> assertThat(ttl).isBetween(1L, 30L));

            CLOCK.set(Instant.parse("2026-11-22T11:02:00Z")); // the 10:00 hour closed, with its margin
            SeriesQuery toTen = new SeriesQuery("hourly", nine, Instant.parse("2026-11-22T10:00:00Z"),
                    Granularity.ONE_HOUR, Aggregate.COUNT, List.of(), List.of(), 0);
            assertThat(count("acme", toTen)).isEqualTo(1);
            assertThat(lifetimes("acme", "hourly")).hasSize(2).anySatisfy(ttl -> assertThat(ttl).isGreaterThan(3600));
        } finally {
            CLOCK.set(Instant.now());
        }
    }

    @Test
    void noTenantEverReceivesAnotherTenantsCachedResult() throws Exception {
        Instant minute = Instant.parse("2026-11-21T10:00:00Z");
        Instant to = minute.plus(Duration.ofMinutes(5));
        rows.write(Granularity.ONE_MINUTE, "acme", "shared", Map.of(), minute, new double[] {1, 2, 3, 4}, 1);
        rows.write(Granularity.ONE_MINUTE, "globex", "shared", Map.of(), minute, new double[] {1}, 1);
        assertThat(count("acme", "shared", minute, to)).isEqualTo(4);
        assertThat(count("globex", "shared", minute, to)).isEqualTo(1);
        assertThat(count("initech", "shared", minute, to)).isZero();
        assertThat(count("acme", "shared", minute, to)).isEqualTo(4);
    }

    @Test
    void catalogAnswersAreCachedPerTenant() throws Exception {
        CachedCatalog catalog = context.getBean(CachedCatalog.class);
        Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(2));
        Instant since = hour.minus(Duration.ofHours(1));
        rows.write(Granularity.ONE_HOUR, "umbrella", "signups", Map.of("plan", "pro"), hour, new double[] {1}, 1);
        assertThat(catalog.metrics("umbrella", since, 5)).extracting(m -> m.name()).containsExactly("signups");

        rows.write(Granularity.ONE_HOUR, "umbrella", "refunds", Map.of(), hour, new double[] {1}, 1);
        assertThat(catalog.metrics("umbrella", since, 5)).as("served from the cache")
                .extracting(m -> m.name()).containsExactly("signups");
        assertThat(catalog.metrics("stark", since, 5)).as("another tenant's entry").isEmpty();
        assertThat(context.getBean(MetricCatalog.class).metrics("umbrella", since, 5)).hasSize(2);
    }
}
