package io.pulse.serving.stream;

import io.micronaut.serde.ObjectMapper;
import io.pulse.serving.caller.Caller;
import io.pulse.serving.query.QueryException;
import io.pulse.serving.query.QueryLimits;
import io.pulse.serving.query.SeriesResult;
import io.pulse.serving.stream.StreamMessages.ClientMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One client's stream connection: its subscriptions and its outbox. */
final class StreamConnection implements SocketConnections.Connection {

    private static final Logger LOG = LoggerFactory.getLogger(StreamConnection.class);
    private static final int MAX_SUBSCRIPTION_ID = 64;

    private final Caller caller;
    private final LiveStreams streams;
    private final StreamSettings settings;
    private final QueryLimits limits;
    private final ObjectMapper json;
    private final Outbox outbox;
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();

    StreamConnection(Caller caller, LiveStreams streams, StreamSettings settings, QueryLimits limits,
                     ObjectMapper json, Outbox outbox) {
        this.caller = caller;
        this.streams = streams;
        this.settings = settings;
        this.limits = limits;
        this.json = json;
        this.outbox = outbox;
    }

    @Override
    public void receive(String text) {
        ClientMessage message;
        try {
            message = json.readValue(text, ClientMessage.class);
        } catch (IOException | RuntimeException e) {
            error(null, "bad_request", "a frame is a JSON object with a type: subscribe, unsubscribe or ping");
            return;
        }
        switch (message.type() == null ? "" : message.type()) {
            case "subscribe" -> subscribe(message);
            case "unsubscribe" -> unsubscribe(message.sub());
            case "ping" -> send(new StreamMessages.Notice("pong", null, System.currentTimeMillis()), false);
            default -> error(message.sub(), "bad_request", "type must be subscribe, unsubscribe or ping");
        }
    }

    void heartbeat() {
        send(new StreamMessages.Notice("heartbeat", null, System.currentTimeMillis()), true);
    }

    /** The connection ended: every subscription stops. */
    @Override
    public void close() {
        subscriptions.values().forEach(Subscription::close);
        subscriptions.clear();
    }

    private void subscribe(ClientMessage message) {
        String id = message.sub();
        if (id == null || id.isEmpty() || id.length() > MAX_SUBSCRIPTION_ID) {
            error(null, "bad_request", "sub (the subscription's id) is required, at most 64 characters");
            return;
        }
        LiveSpec spec;
        LiveStreams.Resume resume;
        int points;
        try {
            spec = LiveSpec.of(message.metric(), message.window(), message.aggregate(), message.filters(),
                    message.groupBy());
            resume = message.resume() == null ? null
                    : new LiveStreams.Resume(message.resume().seq(), StreamId.parse(message.resume().cursor()));
            points = message.points() == null ? settings.snapshotPoints() : message.points();
            if (points < 1 || points > limits.maxPoints()) {
                throw new QueryException("points must be between 1 and " + limits.maxPoints());
            }
        } catch (QueryException | IllegalArgumentException e) {
            error(id, "bad_request", e.getMessage());
            return;
        }
        Subscription subscription = new Subscription(id, resume == null ? 0 : resume.seq());
        synchronized (subscriptions) {
            if (subscriptions.containsKey(id)) {
                error(id, "duplicate_subscription", "this connection already has a subscription with that sub");
                return;
            }
            if (subscriptions.size() >= settings.maxSubscriptionsPerConnection()) {
                error(id, "subscription_limit", "a connection holds at most "
                        + settings.maxSubscriptionsPerConnection() + " subscriptions");
                return;
            }
            subscriptions.put(id, subscription);
        }
        streams.executor().execute(() -> subscription.start(spec, points, resume));
    }

    private void unsubscribe(String id) {
        Subscription subscription = id == null ? null : subscriptions.remove(id);
        if (subscription == null) {
            error(id, "unknown_subscription", "no subscription with that sub on this connection");
            return;
        }
        subscription.close();
        send(new StreamMessages.Notice("unsubscribed", id, null), false);
    }

    private void error(String sub, String code, String message) {
        send(new StreamMessages.Error("error", sub, code, message), false);
    }

    private void send(Object message, boolean droppable) {
        String text = write(message);
        outbox.offer(new Outbox.Frame() {
            @Override
            public String render() {
                return text;
            }

            @Override
            public boolean droppable() {
                return droppable;
            }
        });
    }

    private String write(Object message) {
        try {
            return json.writeValueAsString(message);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<StreamMessages.Point> points(Iterable<LiveChange> changes) {
        List<StreamMessages.Point> points = new java.util.ArrayList<>();
        for (LiveChange change : changes) {
            points.add(new StreamMessages.Point(change.group(), change.time(), change.value(), change.events()));
        }
        return points;
    }

    /** One subscription of this connection: numbers its frames and feeds them to the outbox. */
    private final class Subscription implements LiveListener {
        private final String id;
        /** The id as a JSON string, escaped once for every delta frame. */
        private final String idJson;
        private long seq;
        private LiveStreams.Subscription live;
        private boolean closed;

        Subscription(String id, long lastSeq) {
            this.id = id;
            this.idJson = write(id);
            this.seq = lastSeq;
        }

        void start(LiveSpec spec, int points, LiveStreams.Resume resume) {
            try {
                LiveStreams.Subscription started = streams.subscribe(caller.tenant(), spec, points, resume, this);
                synchronized (this) {
                    if (!closed) {
                        live = started;
                        return;
                    }
                }
                started.close(); // unsubscribed or disconnected while starting
            } catch (StreamException e) {
                subscriptions.remove(id, this);
                error(id, e.code(), e.getMessage());
            } catch (QueryException e) {
                subscriptions.remove(id, this);
                error(id, "bad_request", e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("subscription {} failed", id, e);
                subscriptions.remove(id, this);
                error(id, "internal", "the subscription could not be started; try again");
            }
        }

        synchronized void close() {
            closed = true;
            if (live != null) {
                live.close();
            }
        }

        private synchronized long nextSeq() {
            return ++seq;
        }

        @Override
        public void snapshot(StreamId cursor, SeriesResult history) {
            outbox.offer(() -> write(new StreamMessages.Snapshot("snapshot", id, nextSeq(), cursor.toString(),
                    history.step(), history.aggregate(), history.series())));
        }

        @Override
        public void replay(StreamId cursor, List<LiveChange> changes) {
            outbox.offer(() -> write(new StreamMessages.Delta("resumed", id, nextSeq(), cursor.toString(),
                    points(changes))));
        }

        @Override
        public void delta(StreamId cursor, LiveChanges changes) {
            outbox.offer(new DeltaFrame(this, cursor, changes));
        }
    }

    /**
     * Deltas of one subscription merge into one: the newest value per point, the furthest cursor. An
     * unmerged delta carries the batch its query handed to every subscriber, whose points are rendered once;
     * the map of points by point is built only when a slow client's deltas are merged.
     */
    private final class DeltaFrame implements Outbox.Frame {
        private final Subscription subscription;
        private final StreamId cursor;
        private final LiveChanges batch;
        private final Map<LiveChange.Point, LiveChange> merged;

        DeltaFrame(Subscription subscription, StreamId cursor, LiveChanges batch) {
            this.subscription = subscription;
            this.cursor = cursor;
            this.batch = batch;
            this.merged = null;
        }

        private DeltaFrame(Subscription subscription, StreamId cursor, Map<LiveChange.Point, LiveChange> merged) {
            this.subscription = subscription;
            this.cursor = cursor;
            this.batch = null;
            this.merged = merged;
        }

        private Map<LiveChange.Point, LiveChange> changes() {
            if (merged != null) {
                return merged;
            }
            Map<LiveChange.Point, LiveChange> byPoint = new LinkedHashMap<>();
            batch.forEach(c -> byPoint.put(c.point(), c));
            return byPoint;
        }

        @Override
        public Object mergeKey() {
            return subscription;
        }

        @Override
        public Outbox.Frame mergedWith(Outbox.Frame newer) {
            DeltaFrame next = (DeltaFrame) newer;
            Map<LiveChange.Point, LiveChange> both = new LinkedHashMap<>(changes());
            both.putAll(next.changes());
            return new DeltaFrame(subscription, StreamId.max(cursor, next.cursor), both);
        }

        @Override
        public String render() {
            if (batch == null) {
                return write(new StreamMessages.Delta("delta", subscription.id, subscription.nextSeq(),
                        cursor.toString(), points(merged.values())));
            }
            return StreamMessages.deltaText(subscription.idJson, subscription.nextSeq(), cursor,
                    batch.json(c -> write(points(c))));
        }
    }
}
