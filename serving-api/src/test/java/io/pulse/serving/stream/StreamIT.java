package io.pulse.serving.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.websocket.WebSocketClient;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.RedisKeys;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.schema.Migrations;
import io.pulse.contracts.testing.IdentityProvider;
import io.pulse.contracts.testing.TestServices;
import io.pulse.serving.testing.LivePublisher;
import io.pulse.serving.testing.RollupRows;
import io.pulse.serving.testing.ServingProperties;
import io.pulse.serving.testing.StreamClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The live stream end to end: real WebSocket clients against two server instances sharing one Redis and
 * one PostgreSQL, fed the way the rollup job feeds them (row, then the job's publication script).
 */
class StreamIT {

    private static final TestServices.Postgres POSTGRES = TestServices.postgres();
    private static final String NAMESPACE = TestServices.uniqueName("stream-it");
    private static final Instant HOUR = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(20));
    private static String url;
    private static EmbeddedServer first;
    private static EmbeddedServer second;
    private static WebSocketClient firstClient;
    private static WebSocketClient secondClient;
    private static LivePublisher publisher;
    private static RollupRows rows;
    private static String acme;
    private static String globex;
    private static String initech;

    @BeforeAll
    static void start() {
        url = POSTGRES.createDatabase("pulse_stream");
        Migrations.apply(url, POSTGRES.user(), POSTGRES.password());
        rows = new RollupRows(url, POSTGRES.user(), POSTGRES.password());
        Map<String, Object> properties = Map.of("pulse.redis.namespace", NAMESPACE,
                "pulse.stream.max-subscriptions-per-connection", 3, "pulse.stream.heartbeat-seconds", 1,
                "pulse.stream.batch-millis", 20, "pulse.stream.max-subscriptions-per-tenant", 6,
                "pulse.stream.catch-up-seconds", 1, "micronaut.server.read-idle-timeout", "2s");
        first = ApplicationContext.run(EmbeddedServer.class, ServingProperties.forDatabase(url, properties));
        second = ApplicationContext.run(EmbeddedServer.class, ServingProperties.forDatabase(url, properties));
        firstClient = first.getApplicationContext().createBean(WebSocketClient.class, first.getURL());
        secondClient = second.getApplicationContext().createBean(WebSocketClient.class, second.getURL());
        publisher = new LivePublisher(rows, NAMESPACE);
        acme = IdentityProvider.shared().token("alice", "acme", "admin");
        globex = IdentityProvider.shared().token("bob", "globex", "admin");
        initech = IdentityProvider.shared().token("carol", "initech", "admin");
    }

    @AfterAll
    static void stop() {
        publisher.close();
        first.close();
        second.close();
        POSTGRES.dropDatabase(url);
    }

    private static StreamClient connect(String token) {
        return StreamClient.connect(firstClient, first.getURI(), token);
    }

    private static Map<String, Object> subscribe(String sub, String metric) {
        return new java.util.HashMap<>(Map.of("type", "subscribe", "sub", sub, "metric", metric, "window", "10s",
                "aggregate", "count", "points", 200));
    }

    private static Instant bucket(int tenSeconds) {
        return HOUR.plusSeconds(10L * tenSeconds);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> points(Map<String, Object> frame) {
        return (List<Map<String, Object>>) frame.get("points");
    }

    private static long time(Map<String, Object> point) {
        return ((Number) point.get("time")).longValue();
    }

    private static long seq(Map<String, Object> frame) {
        return ((Number) frame.get("seq")).longValue();
    }

    /** Issue 10, fault 7: five hourly points must reach back four hours before the current one. */
    @Test
    void aSnapshotHoldsTheLastPointsBucketsUpToTheCurrentOne() throws Exception {
        Instant currentHour = Instant.now().truncatedTo(ChronoUnit.HOURS);
        for (int hoursBack = 2; hoursBack <= 5; hoursBack++) {
            rows.write(Granularity.ONE_HOUR, "acme", "signups", Map.of(), currentHour.minus(Duration.ofHours(hoursBack)),
                    new double[] {hoursBack}, 1);
        }
        try (StreamClient client = connect(acme)) {
            Map<String, Object> request = subscribe("h", "signups");
            request.put("window", "1h");
            request.put("points", 5);
            client.send(request);
            Map<String, Object> snapshot = client.next();
            assertThat(snapshot).containsEntry("type", "snapshot");
            assertThat(snapshot.toString()).contains("time=" + currentHour.minus(Duration.ofHours(4)).toEpochMilli())
                    .contains("time=" + currentHour.minus(Duration.ofHours(2)).toEpochMilli())
                    .doesNotContain("time=" + currentHour.minus(Duration.ofHours(5)).toEpochMilli());
        }
    }

    @Test
    void aSubscriberGetsItsSnapshotThenEveryPublishedUpdateAsADelta() throws Exception {
        rows.write(Granularity.TEN_SECONDS, "acme", "orders", Map.of("region", "eu"), bucket(0), new double[] {1, 2}, 1);
        try (StreamClient client = connect(acme)) {
            Map<String, Object> request = subscribe("o", "orders");
            request.put("from", "ignored"); // unknown fields are ignored
            client.send(request);
            Map<String, Object> snapshot = client.next();
            assertThat(snapshot).containsEntry("type", "snapshot").containsEntry("sub", "o").containsEntry("seq", 1);
            assertThat(snapshot.toString()).contains("time=" + bucket(0).toEpochMilli() + ", value=2.0");

            String id = publisher.publish(Granularity.TEN_SECONDS, "acme", "orders", Map.of("region", "eu"),
                    bucket(1), 5, 6, 7);
            Map<String, Object> delta = client.next();
            assertThat(delta).containsEntry("type", "delta").containsEntry("sub", "o").containsEntry("seq", 2)
                    .containsEntry("cursor", id);
            assertThat(points(delta)).singleElement().satisfies(point -> {
                assertThat(time(point)).isEqualTo(bucket(1).toEpochMilli());
                assertThat(point).containsEntry("value", 3.0).containsEntry("events", 3);
            });

            // another window and another metric of the tenant are not part of this subscription
            publisher.publish(Granularity.ONE_MINUTE, "acme", "orders", Map.of("region", "eu"), HOUR, 1);
            publisher.publish(Granularity.TEN_SECONDS, "acme", "refunds", Map.of(), bucket(1), 1);
            String marker = publisher.publish(Granularity.TEN_SECONDS, "acme", "orders", Map.of(), bucket(2), 1);
            assertThat(client.next()).containsEntry("seq", 3).containsEntry("cursor", marker);
        }
    }

    /** What SREs watch: each batch's delay from its first publication to its delta handed to the sockets. */
    @Test
    void theDelayFromAPublicationToItsDeltaIsMeasuredWithTheBatchingWindow() throws Exception {
        Timer delay = first.getApplicationContext().getBean(MeterRegistry.class).get("pulse.stream.delivery.delay").timer();
        rows.write(Granularity.TEN_SECONDS, "acme", "timed", Map.of(), bucket(0), new double[] {1}, 1);
        try (StreamClient client = connect(acme)) {
            client.send(subscribe("t", "timed"));
            assertThat(client.next()).containsEntry("type", "snapshot");
            long before = delay.count();
            double secondsBefore = delay.totalTime(TimeUnit.SECONDS);
            publisher.publish(Granularity.TEN_SECONDS, "acme", "timed", Map.of(), bucket(1), 5);
            assertThat(client.next()).containsEntry("type", "delta");
            // recorded once the last socket has its frame, which may be just after this one read it
            await().atMost(Duration.ofSeconds(5)).until(() -> delay.count() > before);
            assertThat(delay.totalTime(TimeUnit.SECONDS) - secondsBefore).as("the 20 ms batching window included")
                    .isGreaterThanOrEqualTo(0.020 * (delay.count() - before));
        }
    }

    /** Subscribers of the same buckets share one read of the rows, but only until the stream moves on. */
    @Test
    void aSnapshotTakenAfterAPublicationHoldsItThoughEarlierSubscribersSharedOne() throws Exception {
        rows.write(Granularity.TEN_SECONDS, "acme", "baskets", Map.of(), bucket(0), new double[] {1}, 1);
        String before = "time=" + bucket(0).toEpochMilli() + ", value=1.0";
        try (StreamClient early = connect(acme); StreamClient alsoEarly = connect(acme)) {
            early.send(subscribe("a", "baskets"));
            assertThat(early.next().toString()).contains(before);
            alsoEarly.send(subscribe("b", "baskets"));
            assertThat(alsoEarly.next().toString()).contains(before);

            publisher.publish(Granularity.TEN_SECONDS, "acme", "baskets", Map.of(), bucket(1), 1, 2, 3);
            assertThat(early.next()).containsEntry("type", "delta");
            try (StreamClient late = connect(acme)) {
                late.send(subscribe("c", "baskets"));
                assertThat(late.next().toString()).contains(before)
                        .contains("time=" + bucket(1).toEpochMilli() + ", value=3.0");
            }
        }
    }

    @Test
    void aReconnectingClientResumesWithExactlyTheUpdatesItMissed() throws Exception {
        Map<String, Object> lastSeen;
        try (StreamClient client = connect(acme)) {
            client.send(subscribe("r", "checkout"));
            assertThat(client.next()).containsEntry("type", "snapshot");
            publisher.publish(Granularity.TEN_SECONDS, "acme", "checkout", Map.of(), bucket(0), 1);
            lastSeen = client.next();
            assertThat(lastSeen).containsEntry("seq", 2);
        }
        // published while the client is away
        List<Long> missed = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            publisher.publish(Granularity.TEN_SECONDS, "acme", "checkout", Map.of(), bucket(i), new double[i]);
            missed.add(bucket(i).toEpochMilli());
        }
        try (StreamClient client = connect(acme)) {
            Map<String, Object> resume = subscribe("r", "checkout");
            resume.put("resume", Map.of("seq", 2, "cursor", lastSeen.get("cursor")));
            client.send(resume);
            Map<String, Object> resumed = client.next();
            assertThat(resumed).containsEntry("type", "resumed").containsEntry("seq", 3);
            assertThat(points(resumed)).extracting(StreamIT::time).containsExactlyElementsOf(missed);
            assertThat(points(resumed)).extracting(p -> p.get("value")).containsExactly(1.0, 2.0, 3.0);

            String next = publisher.publish(Granularity.TEN_SECONDS, "acme", "checkout", Map.of(), bucket(4), 1);
            Map<String, Object> delta = client.next();
            assertThat(delta).containsEntry("type", "delta").containsEntry("seq", 4).containsEntry("cursor", next);
            assertThat(points(delta)).extracting(StreamIT::time).containsExactly(bucket(4).toEpochMilli());
        }
    }

    /** Subscribes, receives one delta of {@code metric} and leaves: the cursor a reconnect resumes from. */
    private static Object cursorAfterOneDelta(String metric) throws Exception {
        try (StreamClient client = connect(acme)) {
            client.send(subscribe("r", metric));
            assertThat(client.next()).containsEntry("type", "snapshot");
            publisher.publish(Granularity.TEN_SECONDS, "acme", metric, Map.of(), bucket(0), 1);
            Map<String, Object> delta = client.next();
            assertThat(delta).containsEntry("seq", 2);
            return delta.get("cursor");
        }
    }

    private static Map<String, Object> resumeFrom(String metric, Object cursor) throws Exception {
        try (StreamClient client = connect(acme)) {
            Map<String, Object> resume = subscribe("r", metric);
            resume.put("resume", Map.of("seq", 2, "cursor", cursor));
            client.send(resume);
            return client.next();
        }
    }

    private static void onStream(String metric, java.util.function.Consumer<RedisCommands<String, String>> action) {
        RedisClient redis = RedisClient.create(TestServices.redisUri());
        try (StatefulRedisConnection<String, String> connection = redis.connect()) {
            action.accept(connection.sync());
        } finally {
            redis.shutdown();
        }
    }

    @Test
    void aResumeFromACursorTheStreamWasTrimmedPastIsExpiredNotAGap() throws Exception {
        Object cursor = cursorAfterOneDelta("trimmed");
        for (int i = 1; i <= 5; i++) {
            publisher.publish(Granularity.TEN_SECONDS, "acme", "trimmed", Map.of(), bucket(i), 1);
        }
        // what the job's MAXLEN does once a metric's stream is longer than --stream-length
        onStream("trimmed", redis -> redis.xtrim(new RedisKeys(NAMESPACE).stream("acme", "trimmed"), 2));

        assertThat(resumeFrom("trimmed", cursor)).containsEntry("type", "error").containsEntry("code", "resume_expired");
    }

    @Test
    void aResumeAcrossALossOfTheStreamIsExpiredNotAGap() throws Exception {
        Object cursor = cursorAfterOneDelta("restarted");
        publisher.publish(Granularity.TEN_SECONDS, "acme", "restarted", Map.of(), bucket(1), 1);
        // a Redis restart without persistence: the stream is gone, then rebuilt by new publications
        onStream("restarted", redis -> redis.del(new RedisKeys(NAMESPACE).stream("acme", "restarted")));
        publisher.publish(Granularity.TEN_SECONDS, "acme", "restarted", Map.of(), bucket(2), 1);

        assertThat(resumeFrom("restarted", cursor)).containsEntry("code", "resume_expired");
    }

    @Test
    void aResumeFromACursorTakenOnAnEmptyStreamIsExpiredNotAGap() throws Exception {
        Object emptyCursor;
        try (StreamClient client = connect(acme)) {
            client.send(subscribe("r", "first-ever"));
            Map<String, Object> snapshot = client.next();
            assertThat(snapshot).containsEntry("type", "snapshot");
            emptyCursor = snapshot.get("cursor");
        }
        assertThat(emptyCursor).isEqualTo("0-0");
        // entries published since may or may not all still be there (a Redis restart in between would have
        // lost some): 0-0 names no entry whose presence could prove it
        publisher.publish(Granularity.TEN_SECONDS, "acme", "first-ever", Map.of(), bucket(1), 1);

        assertThat(resumeFrom("first-ever", emptyCursor)).containsEntry("code", "resume_expired");
    }

    @Test
    void groupedPointsMergeTheSketchesOfEverySeriesInTheGroup() throws Exception {
        try (StreamClient client = connect(acme)) {
            Map<String, Object> request = subscribe("g", "latency");
            request.putAll(Map.of("aggregate", "p99", "groupBy", List.of("region"), "filters", List.of("env:eq:prod")));
            client.send(request);
            assertThat(client.next()).containsEntry("type", "snapshot");
            publisher.publish(Granularity.TEN_SECONDS, "acme", "latency", Map.of("region", "eu", "env", "test"),
                    bucket(0), 1_000_000);
            publisher.publish(Granularity.TEN_SECONDS, "acme", "latency", Map.of("region", "eu", "env", "prod",
                    "host", "a"), bucket(0), 10, 20, 30);
            publisher.publish(Granularity.TEN_SECONDS, "acme", "latency", Map.of("region", "eu", "env", "prod",
                    "host", "b"), bucket(0), 400, 500);

            RollupAggregate expected = new RollupAggregate();
            for (double value : new double[] {10, 20, 30, 400, 500}) {
                expected.add(value, "user-0");
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Map<String, Object> delta = client.next();
                assertThat(points(delta)).singleElement().satisfies(point -> {
                    assertThat(point).containsEntry("group", Map.of("region", "eu")).containsEntry("events", 5);
                    assertThat((Double) point.get("value")).isEqualTo(expected.quantile(0.99));
                });
            });
        }
    }

    @Test
    void twoInstancesSharingOneRedisBothDeliverWithOneRedisSubscriptionEach() throws Exception {
        try (StreamClient a1 = connect(acme); StreamClient a2 = connect(acme);
             StreamClient b1 = StreamClient.connect(secondClient, second.getURI(), acme);
             StreamClient b2 = StreamClient.connect(secondClient, second.getURI(), acme)) {
            Map<String, Object> byRegion = subscribe("s", "clicks");
            byRegion.put("groupBy", List.of("region"));
            for (StreamClient client : List.of(a1, a2, b1)) {
                client.send(subscribe("s", "clicks"));
            }
            b2.send(byRegion);
            for (StreamClient client : List.of(a1, a2, b1, b2)) {
                assertThat(client.next()).containsEntry("type", "snapshot");
            }
            String channel = new RedisKeys(NAMESPACE).channel("acme", "clicks");
            RedisClient redis = RedisClient.create(TestServices.redisUri());
            try (StatefulRedisConnection<String, String> connection = redis.connect()) {
                assertThat(connection.sync().pubsubNumsub(channel)).containsEntry(channel, 2L);
            } finally {
                redis.shutdown();
            }

            String id = publisher.publish(Granularity.TEN_SECONDS, "acme", "clicks", Map.of("region", "us"), bucket(0), 1);
            for (StreamClient client : List.of(a1, a2, b1, b2)) {
                assertThat(client.next()).containsEntry("type", "delta").containsEntry("cursor", id);
            }
        }
    }

    @Test
    void anotherTenantsPublicationsNeverReachASubscriber() throws Exception {
        rows.write(Granularity.TEN_SECONDS, "acme", "secret", Map.of(), bucket(0), new double[] {1}, 1);
        try (StreamClient client = connect(globex)) {
            client.send(subscribe("x", "secret"));
            Map<String, Object> snapshot = client.next();
            assertThat(snapshot).containsEntry("type", "snapshot").containsEntry("series", List.of());
            publisher.publish(Granularity.TEN_SECONDS, "acme", "secret", Map.of(), bucket(1), 1);
            String own = publisher.publish(Granularity.TEN_SECONDS, "globex", "secret", Map.of(), bucket(1), 1, 2);
            Map<String, Object> delta = client.next();
            assertThat(delta).containsEntry("cursor", own);
            assertThat(points(delta)).singleElement().satisfies(p -> assertThat(p).containsEntry("events", 2));
        }
    }

    @Test
    void badRequestsGetErrorsWithCodesAndTheConnectionStaysUsable() throws Exception {
        try (StreamClient client = connect(acme)) {
            client.send("not json");
            assertThat(client.next()).containsEntry("type", "error").containsEntry("code", "bad_request");
            Map<String, Object> badWindow = subscribe("w", "orders");
            badWindow.put("window", "7s");
            client.send(badWindow);
            assertThat(client.next()).containsEntry("code", "bad_request").containsEntry("sub", "w")
                    .hasEntrySatisfying("message", m -> assertThat((String) m).contains("window"));
            Map<String, Object> badMetric = subscribe("m", "no such metric!");
            client.send(badMetric);
            assertThat(client.next()).containsEntry("code", "bad_request").containsEntry("sub", "m");

            Map<String, Object> expired = subscribe("e", "never-published");
            expired.put("resume", Map.of("seq", 5, "cursor", "1-0"));
            client.send(expired);
            assertThat(client.next()).containsEntry("code", "resume_expired").containsEntry("sub", "e");

            for (String sub : List.of("a", "b", "c")) {
                client.send(subscribe(sub, "orders"));
                assertThat(client.next()).containsEntry("type", "snapshot").containsEntry("sub", sub);
            }
            client.send(subscribe("a", "orders"));
            assertThat(client.next()).containsEntry("code", "duplicate_subscription");
            client.send(subscribe("d", "orders"));
            assertThat(client.next()).containsEntry("code", "subscription_limit");

            client.send(Map.of("type", "unsubscribe", "sub", "a"));
            assertThat(client.next()).containsEntry("type", "unsubscribed").containsEntry("sub", "a");
            client.send(Map.of("type", "unsubscribe", "sub", "a"));
            assertThat(client.next()).containsEntry("code", "unknown_subscription");
            client.send(subscribe("d", "orders"));
            assertThat(client.next()).containsEntry("type", "snapshot").containsEntry("sub", "d");

            client.send(Map.of("type", "ping"));
            assertThat(client.next()).containsEntry("type", "pong");
        }
    }

    @Test
    void idleConnectionsGetHeartbeats() throws Exception {
        try (StreamClient client = connect(acme)) {
            Map<String, Object> frame = client.poll(Duration.ofSeconds(5));
            assertThat(frame).isNotNull().containsEntry("type", "heartbeat").containsKey("time");
        }
    }

    /** A client that only listens sends nothing after subscribing: the server must not take it for gone. */
    @Test
    void aClientThatOnlyListensStaysConnectedPastTheReadIdleTimeout() throws Exception {
        try (StreamClient client = connect(acme)) {
            client.send(subscribe("quiet", "pageviews"));
            assertThat(client.next()).containsEntry("type", "snapshot");
            long heartbeats = 0;
            for (long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos(); System.nanoTime() < deadline; ) {
                Map<String, Object> frame = client.poll(Duration.ofSeconds(2)); // past the 2 s read-idle timeout
                assertThat(client.closeReason()).isNull();
                heartbeats += frame != null && "heartbeat".equals(frame.get("type")) ? 1 : 0;
            }
            assertThat(heartbeats).isGreaterThanOrEqualTo(3);
            String id = publisher.publish(Granularity.TEN_SECONDS, "acme", "pageviews", Map.of(), bucket(3), 1);
            assertThat(client.next()).containsEntry("type", "delta").containsEntry("cursor", id);
        }
    }

    @Test
    void anonymousClientsCannotConnect() {
        assertThatThrownBy(() -> StreamClient.connect(firstClient, first.getURI(), "not-a-token"))
                .hasMessageContaining("401");
    }

    @Test
    void aTenantHoldsAtMostItsLimitOfSubscriptionsOnAnInstance() throws Exception {
        try (StreamClient first = connect(initech); StreamClient second = connect(initech);
             StreamClient third = connect(initech)) {
            for (StreamClient client : List.of(first, second)) {
                for (String sub : List.of("a", "b", "c")) {
                    client.send(subscribe(sub, "orders"));
                    assertThat(client.next()).containsEntry("type", "snapshot");
                }
            }
            third.send(subscribe("a", "orders"));
            assertThat(third.next()).containsEntry("type", "error").containsEntry("code", "tenant_subscription_limit");

            // another tenant is not held back, and a subscription given up frees a place
            try (StreamClient other = connect(acme)) {
                other.send(subscribe("a", "orders"));
                assertThat(other.next()).containsEntry("type", "snapshot");
            }
            first.send(Map.of("type", "unsubscribe", "sub", "a"));
            assertThat(first.next()).containsEntry("type", "unsubscribed");
            third.send(subscribe("a", "orders"));
            assertThat(third.next()).containsEntry("type", "snapshot");
        }
    }

    @Test
    void aPublicationLostOnTheWayIsCaughtUpFromTheStream() throws Exception {
        try (StreamClient client = connect(acme)) {
            client.send(subscribe("l", "lossy"));
            assertThat(client.next()).containsEntry("type", "snapshot");
            String lost = publisher.streamWithoutPublishing(Granularity.TEN_SECONDS, "acme", "lossy", Map.of(),
                    bucket(0), 1, 2, 3);
            Map<String, Object> delta = client.next();
            assertThat(delta).containsEntry("type", "delta").containsEntry("seq", 2).containsEntry("cursor", lost);
            assertThat(points(delta)).singleElement().satisfies(p -> assertThat(p).containsEntry("events", 3));

            // the next publication that does arrive is delivered once, after the caught-up one
            String next = publisher.publish(Granularity.TEN_SECONDS, "acme", "lossy", Map.of(), bucket(1), 1);
            assertThat(client.next()).containsEntry("seq", 3).containsEntry("cursor", next);
        }
    }
}
