package io.pulse.rollup.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.RedisKeys;
import io.pulse.contracts.rollup.Rollup;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.rollup.RollupPublication;
import io.pulse.contracts.rollup.SeriesKey;
import io.pulse.contracts.testing.TestServices;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Redis sink against a real Redis: nothing leaves the writer before its checkpoint is committed. */
class RedisPublicationSinkIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SeriesKey KEY = SeriesKey.of("acme", "latency", Map.of("region", "eu"));

    private final RedisKeys keys = new RedisKeys(TestServices.uniqueName("sink-it"));
    private final RedisClient client = RedisClient.create(TestServices.redisUri());
    private final List<String> received = new CopyOnWriteArrayList<>();
    private StatefulRedisPubSubConnection<String, String> subscription;
    private RedisCommands<String, String> redis;

    @BeforeEach
    void subscribe() {
        redis = client.connect().sync();
        subscription = client.connectPubSub();
        subscription.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                received.add(message);
            }
        });
        subscription.sync().subscribe(keys.channel("acme", "latency"));
    }

    @AfterEach
    void close() {
        redis.del(keys.history(KEY, Granularity.TEN_SECONDS), keys.history(KEY, Granularity.TEN_SECONDS) + ":newest",
                keys.stream("acme", "latency"));
        subscription.close();
        client.shutdown();
    }

    private static Rollup rollup(long bucket, long version) {
        RollupAggregate aggregate = new RollupAggregate();
        aggregate.add(version, "u");
        return new Rollup(KEY, Granularity.TEN_SECONDS, bucket, 0, version, aggregate);
    }

    /** A commit request as Flink's committer operator hands it over, recording how it ended. */
    private static final class Request implements Committer.CommitRequest<List<Publication>> {
        private final List<Publication> committable;
        private boolean retryLater;

        Request(List<Publication> committable) {
            this.committable = committable;
        }

        @Override
        public List<Publication> getCommittable() {
            return committable;
        }

        @Override
        public int getNumberOfRetries() {
            return 0;
        }

        @Override
        public void signalFailedWithKnownReason(Throwable t) {
            throw new AssertionError(t);
        }

        @Override
        public void signalFailedWithUnknownReason(Throwable t) {
            throw new AssertionError(t);
        }

        @Override
        public void retryLater() {
            retryLater = true;
        }

        @Override
        public void updateAndRetryLater(List<Publication> committable) {
            retryLater = true;
        }

        @Override
        public void signalAlreadyCommitted() {
        }
    }

    @Test
    @SuppressWarnings("deprecation")
    void publishesOnlyOnCommitKeepsACappedHistoryAndRepeatsHarmlessly() throws Exception {
        RedisPublicationSink sink = new RedisPublicationSink(TestServices.redisUri(), keys,
                new RedisPublicationSink.Retention(3, 4, 60));
        CommittingSinkWriter<Rollup, List<Publication>> writer = sink.createWriter((org.apache.flink.api.connector.sink2.Sink.InitContext) null);
        for (long version = 1; version <= 5; version++) {
            writer.write(rollup(version * 10_000, version), null);
        }
        writer.flush(false);
        String history = keys.history(KEY, Granularity.TEN_SECONDS);
        assertThat(redis.exists(history)).isZero();
        assertThat(received).isEmpty();

        Collection<List<Publication>> committables = writer.prepareCommit();
        assertThat(committables).hasSize(1);
        assertThat(writer.prepareCommit()).isEmpty();
        // what Flink would store in the checkpoint and hand back after a recovery
        var serializer = sink.getCommittableSerializer();
        List<Publication> restored = serializer.deserialize(serializer.getVersion(),
                serializer.serialize(committables.iterator().next()));
        assertThat(restored).isEqualTo(committables.iterator().next());

        try (Committer<List<Publication>> committer = sink.createCommitter(null)) {
            Request first = new Request(restored);
            committer.commit(List.of(first));
            assertThat(first.retryLater).isFalse();
            await().until(() -> received.size() == 5);
            assertThat(redis.zrange(history, 0, -1)).hasSize(3)
                    .allSatisfy(json -> assertThat(json).contains("\"version\":"))
                    .last().asString().contains("\"version\":5");
            assertThat(redis.ttl(history)).isBetween(1L, 60L);

            List<RollupPublication> publications = received.stream().map(RedisPublicationSinkIT::read).toList();
            assertThat(publications).extracting(p -> p.update().version()).containsExactly(1L, 2L, 3L, 4L, 5L);
            // each publication names its entry in the metric's stream, in the stream's order
            assertThat(redis.xrange(keys.stream("acme", "latency"), Range.create("-", "+")))
                    .extracting(StreamMessage::getId)
                    .containsExactlyElementsOf(publications.stream().map(RollupPublication::id).toList());

            committer.commit(new ArrayList<>(List.of(new Request(restored)))); // a recovery re-commits
            writer.write(rollup(60_000, 6), null);
            committer.commit(List.of(new Request(writer.prepareCommit().iterator().next())));
            // the repeat added nothing: the next publication received is the new result
            await().until(() -> received.size() >= 6);
            assertThat(received).hasSize(6);
            assertThat(read(received.get(5)).update().version()).isEqualTo(6);
            assertThat(redis.zrange(history, 0, -1)).hasSize(3);
            assertThat(redis.xlen(keys.stream("acme", "latency"))).isEqualTo(6);
        }
    }

    private static RollupPublication read(String json) {
        try {
            return JSON.readValue(json, RollupPublication.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
