package io.pulse.serving.stream;

import io.micrometer.core.instrument.Timer;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.rollup.RollupPublication;
import io.pulse.serving.query.QueryEngine;
import io.pulse.serving.query.SeriesQuery;
import io.pulse.serving.query.SeriesResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live spec of one tenant on this instance, shared by all its subscribers. A publication that
 * matches marks its group's bucket changed; shortly after (so a checkpoint's burst becomes one delta) the
 * changed points are recomputed from the stored rows and handed to every subscriber.
 */
final class LiveQuery implements Consumer<RollupPublication> {

    private static final Logger LOG = LoggerFactory.getLogger(LiveQuery.class);
    private static final long RETRY_MILLIS = 1_000;

    private final String tenant;
    private final LiveSpec spec;
    private final QueryEngine engine;
    private final ScheduledExecutorService executor;
    private final long batchMillis;
    private final Set<Subscriber> subscribers = new CopyOnWriteArraySet<>();
    private Map<LiveChange.Point, StreamId> changed = new HashMap<>();
    private StreamId seen;
    private boolean flushScheduled;
    /** When the first change of the batch waiting for its flush arrived (System.nanoTime). */
    private long batchStartedNanos;
    private final Timer deliveryDelay;
    /** Guards the last snapshot; held while one is read, so subscribers arriving together wait for one query. */
    private final Object snapshotLock = new Object();
    private Snapshot lastSnapshot;

    /** A snapshot's rows as read when the metric's stream ended at {@code tail}. */
    private record Snapshot(SeriesQuery query, StreamId tail, SeriesResult result) { }

    LiveQuery(String tenant, LiveSpec spec, QueryEngine engine, ScheduledExecutorService executor, long batchMillis,
              StreamId seen, Timer deliveryDelay) {
        this.seen = seen;
        this.deliveryDelay = deliveryDelay;
        this.tenant = tenant;
        this.spec = spec;
        this.engine = engine;
        this.executor = executor;
        this.batchMillis = batchMillis;
    }

    /**
     * A subscriber that holds deltas back until its first frame (snapshot or replay, which covers the
     * stream up to a cursor) is out, then passes on only points changed after that cursor.
     */
    static final class Subscriber {
        private final LiveListener listener;
        private StreamId cursor;
        private List<Delta> held = new ArrayList<>();

        private record Delta(StreamId cursor, LiveChanges changes) { }

        Subscriber(LiveListener listener) {
            this.listener = listener;
        }

        synchronized void open(StreamId firstFrameCursor) {
            cursor = firstFrameCursor;
            List<Delta> waiting = held;
            held = null;
            waiting.forEach(d -> deliver(d.cursor(), d.changes()));
        }

        synchronized void deliver(StreamId deltaCursor, LiveChanges changes) {
            if (held != null) {
                held.add(new Delta(deltaCursor, changes));
                return;
            }
            List<LiveChange> unseen = changes.stream().filter(c -> c.touchedBy().compareTo(cursor) > 0).toList();
            if (!unseen.isEmpty()) {
                cursor = StreamId.max(cursor, deltaCursor);
                // most subscribers have seen none of the changes: they share the batch and its rendered JSON
                listener.delta(cursor, unseen.size() == changes.size() ? changes : new LiveChanges(unseen));
            }
        }
    }

    /**
     * The rows of {@code query} for a subscriber whose first frame covers the stream up to {@code tail}.
     * Rows are written before their publication enters the stream, so a result read when the stream
     * ended at {@code tail} holds every change up to it, and anything it lacks comes after {@code tail}
     * and reaches the subscriber as a delta: the same result serves every subscriber of the same buckets
     * until the stream moves on. Thousands of sockets opening on a few series cost a few queries.
     */
    SeriesResult snapshot(SeriesQuery query, StreamId tail) {
        synchronized (snapshotLock) {
            Snapshot last = lastSnapshot;
            if (last == null || !last.query().equals(query) || !last.tail().equals(tail)) {
                last = new Snapshot(query, tail, engine.series(tenant, query));
                lastSnapshot = last;
            }
            return last.result();
        }
    }

    void add(Subscriber subscriber) {
        subscribers.add(subscriber);
    }

    /** Removes a subscriber; true when none is left. */
    boolean remove(Subscriber subscriber) {
        subscribers.remove(subscriber);
        return subscribers.isEmpty();
    }

    boolean matches(RollupPublication publication) {
        return spec.matches(publication.update());
    }

    @Override
    public void accept(RollupPublication publication) {
        StreamId id = StreamId.parse(publication.id());
        synchronized (this) {
            seen = StreamId.max(seen, id);
            if (matches(publication)) {
                markChanged(Map.of(point(publication), id), batchMillis);
            }
        }
    }

    /** The newest stream entry this query has taken in, by publication or by catching up. */
    synchronized StreamId seen() {
        return seen;
    }

    /**
     * Takes in points changed by stream entries up to {@code upTo} that no publication brought (lost while
     * the instance's Redis subscription was down).
     */
    synchronized void catchUp(Map<LiveChange.Point, StreamId> missed, StreamId upTo) {
        seen = StreamId.max(seen, upTo);
        markChanged(missed, batchMillis);
    }

    private void markChanged(Map<LiveChange.Point, StreamId> points, long delayMillis) {
        if (points.isEmpty()) {
            return;
        }
        points.forEach((point, id) -> changed.merge(point, id, StreamId::max));
        if (!flushScheduled) {
            flushScheduled = true;
            batchStartedNanos = System.nanoTime();
            executor.schedule(this::flush, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    LiveChange.Point point(RollupPublication publication) {
        return new LiveChange.Point(spec.groupOf(publication.update().series()), publication.update().bucketStart());
    }

    private void flush() {
        Map<LiveChange.Point, StreamId> points;
        long batchStarted;
        synchronized (this) {
            points = changed;
            changed = new HashMap<>();
            flushScheduled = false;
            batchStarted = batchStartedNanos;
        }
        LiveChanges changes;
        try {
            changes = new LiveChanges(recompute(points));
        } catch (RuntimeException e) {
            LOG.warn("live recomputation failed, retrying in a second", e);
            synchronized (this) {
                markChanged(points, RETRY_MILLIS);
            }
            return;
        }
        if (changes.isEmpty()) {
            return;
        }
        StreamId cursor = changes.stream().map(LiveChange::touchedBy).max(Comparator.naturalOrder()).orElseThrow();
        for (Subscriber subscriber : subscribers) {
            subscriber.deliver(cursor, changes);
        }
        deliveryDelay.record(System.nanoTime() - batchStarted, TimeUnit.NANOSECONDS);
    }

    /** The current values of the given points, read and merged from the stored rows, in time order. */
    List<LiveChange> recompute(Map<LiveChange.Point, StreamId> points) {
        if (points.isEmpty()) {
            return List.of();
        }
        long from = points.keySet().stream().mapToLong(LiveChange.Point::time).min().orElseThrow();
        long to = points.keySet().stream().mapToLong(LiveChange.Point::time).max().orElseThrow() + 1;
        Map<LiveChange.Point, RollupAggregate.Merger> rows = new HashMap<>();
        engine.rows(tenant, spec.query(Instant.ofEpochMilli(from), Instant.ofEpochMilli(to), 0), spec.window(),
                (dimensions, time, row) -> {
                    LiveChange.Point point = new LiveChange.Point(spec.groupOf(dimensions), time);
                    if (points.containsKey(point)) {
                        row.mergeInto(rows.computeIfAbsent(point, p -> new RollupAggregate.Merger()));
                    }
                });
        List<LiveChange> changes = new ArrayList<>(rows.size());
        rows.forEach((point, merger) -> {
            RollupAggregate merged = merger.result();
            changes.add(new LiveChange(point.group(), point.time(), spec.aggregate().of(merged), merged.count(),
                    points.get(point)));
        });
        changes.sort(Comparator.comparingLong(LiveChange::time).thenComparing(c -> c.group().toString()));
        return changes;
    }
}
