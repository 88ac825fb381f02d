package io.pulse.serving.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.micronaut.context.ApplicationContext;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.RedisKeys;
import io.pulse.contracts.schema.Migrations;
import io.pulse.contracts.testing.TestServices;
import io.pulse.serving.query.Aggregate;
import io.pulse.serving.query.MetricCatalog;
import io.pulse.serving.query.SeriesQuery;
import io.pulse.serving.testing.RollupRows;
import io.pulse.serving.testing.ServingProperties;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The series cache on real Redis and PostgreSQL: freshness through publications, and tenant separation. */
class CachedSeriesIT {

    private static final TestServices.Postgres POSTGRES = TestServices.postgres();
    private static final String NAMESPACE = TestServices.uniqueName("cache-it");
    private static String url;
    private static ApplicationContext context;
    private static CachedSeries cache;
    private static RollupRows rows;

    @BeforeAll
    static void start() {
        url = POSTGRES.createDatabase("pulse_cache");
        Migrations.apply(url, POSTGRES.user(), POSTGRES.password());
        rows = new RollupRows(url, POSTGRES.user(), POSTGRES.password());
        context = ApplicationContext.run(ServingProperties.forDatabase(url, Map.of("pulse.redis.namespace", NAMESPACE)));
        cache = context.getBean(CachedSeries.class);
    }

    @AfterAll
    static void stop() {
        context.close();
        POSTGRES.dropDatabase(url);
    }

    private static long count(String tenant, String metric, Instant from, Instant to) {
        return cache.series(tenant, new SeriesQuery(metric, from, to, Granularity.ONE_MINUTE, Aggregate.COUNT,
                List.of(), List.of(), 0)).series().stream().mapToLong(s -> s.events()).sum();
    }

    private static void publish(String tenant, String metric) {
        RedisClient client = context.getBean(RedisClient.class);
        try (var connection = client.connect()) {
            connection.sync().publish(new RedisKeys(NAMESPACE).channel(tenant, metric), "{\"version\":1}");
        }
    }

    @Test
    void anOpenWindowResultReflectsANewRollupOnceItsPublicationArrives() throws Exception {
        Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(3));
        Instant to = Instant.now().plus(Duration.ofMinutes(1));
        rows.write(Granularity.ONE_MINUTE, "acme", "live", Map.of(), minute, new double[] {1, 2, 3}, 1);
        assertThat(count("acme", "live", minute, to)).isEqualTo(3);

        rows.write(Granularity.ONE_MINUTE, "acme", "live", Map.of(), minute.plusSeconds(60), new double[] {4}, 1);
        assertThat(count("acme", "live", minute, to)).as("served from the cache").isEqualTo(3);

        publish("acme", "live"); // what the rollup job sends with the new value
        // stated bound: the result is fresh within the publication's delivery, asserted here as 2 s
        await().atMost(Duration.ofSeconds(2)).until(() -> count("acme", "live", minute, to) == 4);
    }

    @Test
    void aSettledResultIsKeptAcrossPublicationsBecauseItsWindowsCannotChange() throws Exception {
        Instant minute = Instant.parse("2026-11-20T10:00:00Z");
        Instant to = minute.plus(Duration.ofMinutes(5));
        rows.write(Granularity.ONE_MINUTE, "acme", "settled", Map.of(), minute, new double[] {1, 2}, 1);
        assertThat(count("acme", "settled", minute, to)).isEqualTo(2);
        rows.write(Granularity.ONE_MINUTE, "acme", "settled", Map.of(), minute.plusSeconds(60), new double[] {9}, 1);

        // an open entry of another metric, invalidated by a publication sent after the settled one's:
        // publications are handled in order, so once it is gone the settled publication was handled too
        Instant recent = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(1));
        Instant soon = Instant.now().plus(Duration.ofMinutes(1));
        rows.write(Granularity.ONE_MINUTE, "acme", "marker", Map.of(), recent, new double[] {1}, 1);
        assertThat(count("acme", "marker", recent, soon)).isEqualTo(1);
        rows.write(Granularity.ONE_MINUTE, "acme", "marker", Map.of(), recent.plusSeconds(60), new double[] {1}, 1);
        publish("acme", "settled");
        publish("acme", "marker");
        await().atMost(Duration.ofSeconds(2)).until(() -> count("acme", "marker", recent, soon) == 2);

        assertThat(count("acme", "settled", minute, to)).isEqualTo(2);
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
