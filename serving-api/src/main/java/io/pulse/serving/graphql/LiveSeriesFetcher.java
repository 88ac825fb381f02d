package io.pulse.serving.graphql;

import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import io.pulse.serving.query.QueryException;
import io.pulse.serving.query.QueryLimits;
import io.pulse.serving.query.SeriesResult;
import io.pulse.serving.stream.LiveChange;
import io.pulse.serving.stream.LiveChanges;
import io.pulse.serving.stream.LiveListener;
import io.pulse.serving.stream.LiveSpec;
import io.pulse.serving.stream.LiveStreams;
import io.pulse.serving.stream.StreamId;
import io.pulse.serving.security.Permission;
import jakarta.inject.Singleton;
import java.util.List;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Schedulers;

/**
 * {@code Subscription.liveSeries}: the same live fan-out as {@code /v1/stream}, as a publisher of a
 * snapshot then deltas. The spec is checked before anything starts, so a bad one is a field error.
 */
@Singleton
class LiveSeriesFetcher implements DataFetcher<Publisher<LiveUpdate>> {

    private final LiveStreams streams;
    private final QueryLimits limits;

    LiveSeriesFetcher(LiveStreams streams, QueryLimits limits) {
        this.streams = streams;
        this.limits = limits;
    }

    @Override
    public Publisher<LiveUpdate> get(DataFetchingEnvironment environment) {
        String tenant = GraphQLCaller.require(environment, Permission.METRICS_READ).tenant();
        LiveSpec spec = LiveSpec.of(environment.getArgument("metric"), environment.getArgument("window"),
                environment.getArgument("aggregate"), environment.getArgument("filters"),
                environment.getArgument("groupBy"));
        int points = environment.getArgument("points");
        if (points < 1 || points > limits.maxPoints()) {
            throw new QueryException("points must be between 1 and " + limits.maxPoints());
        }
        return Flux.<LiveUpdate>create(sink -> {
            LiveStreams.Subscription subscription = streams.subscribe(tenant, spec, points, null, new Updates(sink));
            sink.onDispose(subscription::close);
        }).subscribeOn(Schedulers.fromExecutorService(streams.executor()));
    }

    /** Numbers the subscription's events as /v1/stream numbers its frames. */
    private static final class Updates implements LiveListener {
        private final FluxSink<LiveUpdate> sink;
        private long seq;

        Updates(FluxSink<LiveUpdate> sink) {
            this.sink = sink;
        }

        @Override
        public synchronized void snapshot(StreamId cursor, SeriesResult history) {
            sink.next(new LiveUpdate("snapshot", ++seq, cursor.toString(), history.series(), List.of()));
        }

        @Override
        public synchronized void replay(StreamId cursor, List<LiveChange> changes) {
            throw new UnsupportedOperationException("GraphQL subscriptions do not resume");
        }

        @Override
        public synchronized void delta(StreamId cursor, LiveChanges changes) {
            sink.next(new LiveUpdate("delta", ++seq, cursor.toString(), List.of(), changes));
        }
    }
}
