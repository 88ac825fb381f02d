package io.pulse.rollup.sink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.pulse.contracts.rollup.RedisKeys;
import io.pulse.contracts.rollup.Rollup;
import io.pulse.contracts.rollup.RollupUpdate;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Publishes final window results on Redis only after the checkpoint that holds them completes: the
 * writer collects a checkpoint's results as one committable; the committer (run on checkpoint
 * completion, and again for pending committables after a recovery) adds each to its series' capped
 * history (a sorted set scored by version, so a repeat is a no-op) and then publishes it on the
 * (tenant, metric) channel. A repeat publication after recovery carries the same version, which
 * subscribers drop.
 */
public final class RedisPublicationSink implements Sink<Rollup>, SupportsCommitter<List<Publication>> {

    private static final long serialVersionUID = 1L;

    private final String redisUri;
    private final RedisKeys keys;
    private final int historyLength;
    private final long historyTtlSeconds;

    public RedisPublicationSink(String redisUri, RedisKeys keys, int historyLength, long historyTtlSeconds) {
        this.redisUri = redisUri;
        this.keys = keys;
        this.historyLength = historyLength;
        this.historyTtlSeconds = historyTtlSeconds;
    }

    @Override
    @SuppressWarnings("deprecation")
    public CommittingSinkWriter<Rollup, List<Publication>> createWriter(InitContext context) {
        return new Writer(keys);
    }

    @Override
    public Committer<List<Publication>> createCommitter(CommitterInitContext context) {
        return new RedisCommitter(redisUri, historyLength, historyTtlSeconds);
    }

    @Override
    public SimpleVersionedSerializer<List<Publication>> getCommittableSerializer() {
        return new PublicationsSerializer();
    }

    static final class Writer implements CommittingSinkWriter<Rollup, List<Publication>> {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final RedisKeys keys;
        private List<Publication> pending = new ArrayList<>();

        Writer(RedisKeys keys) {
            this.keys = keys;
        }

        @Override
        public void write(Rollup rollup, Context context) throws IOException {
            String json;
            try {
                json = JSON.writeValueAsString(RollupUpdate.of(rollup, false));
            } catch (JsonProcessingException e) {
                throw new IOException("cannot encode rollup", e);
            }
            pending.add(new Publication(keys.channel(rollup.key().tenant(), rollup.key().metric()),
                    keys.history(rollup.key(), rollup.granularity()), rollup.version(), json));
        }

        @Override
        public Collection<List<Publication>> prepareCommit() {
            if (pending.isEmpty()) {
                return List.of();
            }
            List<Publication> batch = pending;
            pending = new ArrayList<>();
            return List.of(batch);
        }

        @Override
        public void flush(boolean endOfInput) {
        }

        @Override
        public void close() {
        }
    }

    static final class RedisCommitter implements Committer<List<Publication>> {
        private static final int MAX_RETRIES = 5;
        private final RedisClient client;
        private final StatefulRedisConnection<String, String> connection;
        private final int historyLength;
        private final long historyTtlSeconds;

        RedisCommitter(String redisUri, int historyLength, long historyTtlSeconds) {
            this.client = RedisClient.create(redisUri);
            this.connection = client.connect();
            this.historyLength = historyLength;
            this.historyTtlSeconds = historyTtlSeconds;
        }

        @Override
        public void commit(Collection<CommitRequest<List<Publication>>> requests) {
            for (CommitRequest<List<Publication>> request : requests) {
                try {
                    publish(request.getCommittable());
                } catch (Exception e) {
                    if (request.getNumberOfRetries() < MAX_RETRIES) {
                        request.retryLater();
                    } else {
                        request.signalFailedWithUnknownReason(e);
                    }
                }
            }
        }

        /** Pipelines the whole batch: history first, then the publication, in the batch's order. */
        private void publish(List<Publication> batch) throws Exception {
            RedisAsyncCommands<String, String> redis = connection.async();
            connection.setAutoFlushCommands(false);
            List<RedisFuture<?>> replies = new ArrayList<>(batch.size() * 4);
            try {
                for (Publication publication : batch) {
                    replies.add(redis.zadd(publication.historyKey(), publication.version(), publication.json()));
                    replies.add(redis.zremrangebyrank(publication.historyKey(), 0, -historyLength - 1));
                    replies.add(redis.expire(publication.historyKey(), historyTtlSeconds));
                    replies.add(redis.publish(publication.channel(), publication.json()));
                }
                connection.flushCommands();
            } finally {
                connection.setAutoFlushCommands(true);
            }
            for (RedisFuture<?> reply : replies) {
                reply.get(30, TimeUnit.SECONDS);
            }
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown();
        }
    }

    static final class PublicationsSerializer implements SimpleVersionedSerializer<List<Publication>> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(List<Publication> batch) throws IOException {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(buffer);
            out.writeInt(batch.size());
            for (Publication publication : batch) {
                writeString(out, publication.channel());
                writeString(out, publication.historyKey());
                out.writeLong(publication.version());
                writeString(out, publication.json());
            }
            return buffer.toByteArray();
        }

        @Override
        public List<Publication> deserialize(int version, byte[] serialized) throws IOException {
            if (version != 1) {
                throw new IOException("unknown committable version " + version);
            }
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized));
            int size = in.readInt();
            List<Publication> batch = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                batch.add(new Publication(readString(in), readString(in), in.readLong(), readString(in)));
            }
            return batch;
        }

        private static void writeString(DataOutputStream out, String text) throws IOException {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            out.writeInt(bytes.length);
            out.write(bytes);
        }

        private static String readString(DataInputStream in) throws IOException {
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
