package io.pulse.serving.stream;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.pulse.contracts.rollup.RedisKeys;
import io.pulse.contracts.rollup.RollupPublication;
import io.pulse.contracts.rollup.RollupUpdate;
import io.pulse.serving.query.QueryEngine;
import io.pulse.serving.query.SeriesQuery;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Live subscriptions, the one fan-out behind the WebSocket stream and GraphQL subscriptions. A
 * subscription gets a snapshot (or, when resuming, the points changed after its cursor, read from the
 * metric's Redis stream), then deltas; nothing between them is lost or repeated because the subscriber
 * joins its {@link LiveQuery} before the stream's tail is read.
 */
@Singleton
public class LiveStreams implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiveStreams.class);
    private static final int REPLAY_PAGE = 500;

    private final QueryEngine engine;
    private final Channels channels;
    private final StreamSettings settings;
    private final RedisKeys keys;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;
    private final ScheduledExecutorService executor;
    private final Timer deliveryDelay;
    private final Map<Key, Shared> queries = new HashMap<>();
    private final Map<String, AtomicInteger> perTenant = new ConcurrentHashMap<>();

    private record Key(String tenant, LiveSpec spec) { }

    /** A live query with the handle of its channel subscription. */
    private record Shared(LiveQuery query, AutoCloseable channel) { }

    /** Where a reconnecting subscriber left off: the last sequence number and cursor it received. */
    public record Resume(long seq, StreamId cursor) { }

    /** An open subscription; closing it stops its deltas. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    public LiveStreams(QueryEngine engine, Channels channels, StreamSettings settings, RedisClient client,
                       MeterRegistry registry, @Value("${pulse.redis.namespace:pulse}") String namespace) {
        this.deliveryDelay = Timer.builder("pulse.stream.delivery.delay")
                .description("From the first publication of a live query's batch to its delta handed to every"
                        + " subscribed socket, the batching window included")
                .publishPercentileHistogram().register(registry);
        this.engine = engine;
        this.channels = channels;
        this.settings = settings;
        this.keys = new RedisKeys(namespace);
        this.connection = client.connect();
        this.redis = connection.sync();
        this.executor = Executors.newScheduledThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "live-streams");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::catchUp, settings.catchUpSeconds(), settings.catchUpSeconds(),
                TimeUnit.SECONDS);
    }

    /**
     * Pub/sub does not queue: publications sent while this instance's subscription is down (a Redis
     * failover, a reconnect) never arrive. Every {@code pulse.stream.catch-up-seconds} each live query
     * reads the entries its metric's stream gained past what it has seen and recomputes their points.
     */
    private void catchUp() {
        List<Map.Entry<Key, Shared>> live;
        synchronized (this) {
            live = List.copyOf(queries.entrySet());
        }
        for (Map.Entry<Key, Shared> entry : live) {
            try {
                String stream = keys.stream(entry.getKey().tenant(), entry.getKey().spec().metric());
                LiveQuery query = entry.getValue().query();
                StreamId seen = query.seen();
                StreamId tail = tail(stream);
                if (tail.compareTo(seen) > 0) {
                    query.catchUp(changedBetween(stream, seen, tail, query), tail);
                }
            } catch (RuntimeException e) {
                LOG.warn("live catch-up of {} failed; next round retries", entry.getKey(), e);
            }
        }
    }

    /** Subscriptions held on this instance, of every tenant. */
    public int subscriptions() {
        return perTenant.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** The executor live work runs on (recomputations, subscribing): never a network event loop. */
    public ScheduledExecutorService executor() {
        return executor;
    }

    /**
     * Subscribes {@code listener} to {@code spec} in {@code tenant}: its first frame (snapshot of the
     * last {@code points} buckets, or the replay after {@code resume}) is delivered before this returns.
     */
    public Subscription subscribe(String tenant, LiveSpec spec, int points, @Nullable Resume resume,
                                  LiveListener listener) {
        AtomicInteger count = perTenant.computeIfAbsent(tenant, t -> new AtomicInteger());
        if (count.incrementAndGet() > settings.maxSubscriptionsPerTenant()) {
            count.decrementAndGet();
            throw new StreamException("tenant_subscription_limit", "the tenant holds "
                    + settings.maxSubscriptionsPerTenant() + " live subscriptions on this server already");
        }
        Key key = new Key(tenant, spec);
        LiveQuery.Subscriber subscriber = new LiveQuery.Subscriber(listener);
        LiveQuery query = join(key, subscriber);
        Subscription subscription = () -> leave(key, subscriber, count);
        try {
            String stream = keys.stream(tenant, spec.metric());
            StreamId tail = tail(stream);
            if (resume == null) {
                listener.snapshot(tail, query.snapshot(lastBuckets(spec, points, Instant.now()), tail));
            } else {
                requireContinuity(stream, resume.cursor());
                listener.replay(tail, query.recompute(changedBetween(stream, resume.cursor(), tail, query)));
            }
            subscriber.open(tail);
            return subscription;
        } catch (RuntimeException e) {
            subscription.close();
            throw e;
        }
    }

    /**
     * The query of the last {@code points} buckets at {@code now}, the newest being the one that holds
     * {@code now} (for a sliding window, the one that ends at the next slide boundary).
     */
    static SeriesQuery lastBuckets(LiveSpec spec, int points, Instant now) {
        long slide = spec.window().slideMillis();
        long newest = Math.floorDiv(now.toEpochMilli(), slide) * slide + slide - spec.window().sizeMillis();
        return spec.query(Instant.ofEpochMilli(newest - (points - 1L) * slide), Instant.ofEpochMilli(newest + slide), 0);
    }

    private synchronized LiveQuery join(Key key, LiveQuery.Subscriber subscriber) {
        Shared shared = queries.get(key);
        if (shared == null) {
            // publications from here on reach the query; older entries are covered by each subscriber's first frame
            LiveQuery query = new LiveQuery(key.tenant(), key.spec(), engine, executor, settings.batchMillis(),
                    tail(keys.stream(key.tenant(), key.spec().metric())), deliveryDelay);
            shared = new Shared(query, channels.listen(keys.channel(key.tenant(), key.spec().metric()), query));
            queries.put(key, shared);
        }
        shared.query().add(subscriber);
        return shared.query();
    }

    private synchronized void leave(Key key, LiveQuery.Subscriber subscriber, AtomicInteger count) {
        Shared shared = queries.get(key);
        if (shared != null && shared.query().remove(subscriber)) {
            queries.remove(key);
            try {
                shared.channel().close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot leave channel", e);
            }
        }
        count.decrementAndGet();
    }

    /** The newest entry of the stream, or {@link StreamId#ZERO} when it has none. */
    private StreamId tail(String stream) {
        List<StreamMessage<String, String>> newest = redis.xrevrange(stream, Range.create("-", "+"), Limit.from(1));
        return newest.isEmpty() ? StreamId.ZERO : StreamId.parse(newest.get(0).getId());
    }

    /** The spec's points changed by stream entries in (after, upTo], each with the newest entry that did. */
    private Map<LiveChange.Point, StreamId> changedBetween(String stream, StreamId after, StreamId upTo, LiveQuery query) {
        Map<LiveChange.Point, StreamId> changed = new HashMap<>();
        StreamId from = after;
        while (from.compareTo(upTo) < 0) {
            List<StreamMessage<String, String>> page = redis.xrange(stream,
                    Range.from(Range.Boundary.excluding(from.toString()), Range.Boundary.including(upTo.toString())),
                    Limit.from(REPLAY_PAGE));
            if (page.isEmpty()) {
                break;
            }
            for (StreamMessage<String, String> entry : page) {
                RollupPublication publication = new RollupPublication(entry.getId(), read(entry.getBody()));
                if (query.matches(publication)) {
                    changed.merge(query.point(publication), StreamId.parse(entry.getId()), StreamId::max);
                }
                from = StreamId.parse(entry.getId());
            }
        }
        return changed;
    }

    /**
     * Refuses a resume that cannot be proven gapless. A stream loses entries only from its front (the job
     * trims it to {@code --stream-length}), so if the cursor's own entry is still there, every entry after
     * it is too. If it is not, entries may be gone: trimmed, or lost with a Redis restart (the rebuilt
     * stream's ids are all newer). A cursor taken while the stream was empty ({@link StreamId#ZERO}) names
     * no entry, so it cannot prove it either.
     */
    private void requireContinuity(String stream, StreamId cursor) {
        String id = cursor.toString();
        if (cursor.equals(StreamId.ZERO) || redis.xrange(stream, Range.create(id, id)).isEmpty()) {
            throw expired();
        }
    }

    private static StreamException expired() {
        return new StreamException("resume_expired",
                "the cursor is older than the retained history; subscribe again without resume for a snapshot");
    }

    private static RollupUpdate read(Map<String, String> body) {
        try {
            return Channels.readUpdate(body.get(RollupPublication.STREAM_FIELD));
        } catch (IOException e) {
            throw new IllegalStateException("unreadable stream entry", e);
        }
    }

    @PreDestroy
    @Override
    public void close() {
        executor.shutdownNow();
        connection.close();
    }
}
