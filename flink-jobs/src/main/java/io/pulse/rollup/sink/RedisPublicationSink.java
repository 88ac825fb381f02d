package io.pulse.rollup.sink;

import io.pulse.contracts.rollup.RedisKeys;
import io.pulse.contracts.rollup.Rollup;
import io.pulse.contracts.rollup.RollupPublication;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Publishes final window results on Redis only after the checkpoint that holds them completes: the
 * writer collects a checkpoint's results as one committable; the committer (run on checkpoint
 * completion, and again for pending committables after a recovery) runs {@link RollupPublication#SCRIPT}
 * for each: add to the series' capped history (a sorted set scored by version), append to the metric's
 * capped stream and publish on the (tenant, metric) channel with the stream id. A result already in the
 * history, i.e. a commit repeated after a recovery, is not streamed or published again.
 */
public final class RedisPublicationSink implements Sink<Rollup>, SupportsCommitter<List<Publication>> {

    private static final long serialVersionUID = 1L;

    private final String redisUri;
    private final RedisKeys keys;
    private final Retention retention;

    /**
     * How much Redis keeps: results per series history, results per metric stream (how far back a live
     * subscriber can resume), and how long both live after their last write.
     */
    public record Retention(int historyLength, int streamLength, long ttlSeconds) implements java.io.Serializable {
    }

    public RedisPublicationSink(String redisUri, RedisKeys keys, Retention retention) {
        this.redisUri = redisUri;
        this.keys = keys;
        this.retention = retention;
    }

    @Override
    @SuppressWarnings("deprecation")
    public CommittingSinkWriter<Rollup, List<Publication>> createWriter(InitContext context) {
        return new Writer(keys);
    }

    @Override
    public Committer<List<Publication>> createCommitter(CommitterInitContext context) {
        return new RedisCommitter(redisUri, retention);
    }

    @Override
    public SimpleVersionedSerializer<List<Publication>> getCommittableSerializer() {
        return new PublicationsSerializer();
    }

    static final class Writer implements CommittingSinkWriter<Rollup, List<Publication>> {
        private final RedisKeys keys;
        private List<Publication> pending = new ArrayList<>();

        Writer(RedisKeys keys) {
            this.keys = keys;
        }

        @Override
        public void write(Rollup rollup, Context context) {
            pending.add(Publication.of(rollup, keys));
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
        private final RedisPublisher publisher;

        RedisCommitter(String redisUri, Retention retention) {
            this.publisher = new RedisPublisher(redisUri, retention);
        }

        @Override
        public void commit(Collection<CommitRequest<List<Publication>>> requests) {
            for (CommitRequest<List<Publication>> request : requests) {
                try {
                    publisher.publish(request.getCommittable(), false);
                } catch (Exception e) {
                    if (request.getNumberOfRetries() < MAX_RETRIES) {
                        request.retryLater();
                    } else {
                        request.signalFailedWithUnknownReason(e);
                    }
                }
            }
        }

        @Override
        public void close() {
            publisher.close();
        }
    }

    static final class PublicationsSerializer implements SimpleVersionedSerializer<List<Publication>> {
        @Override
        public int getVersion() {
            return 2;
        }

        @Override
        public byte[] serialize(List<Publication> batch) throws IOException {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(buffer);
            out.writeInt(batch.size());
            for (Publication publication : batch) {
                writeString(out, publication.channel());
                writeString(out, publication.historyKey());
                writeString(out, publication.streamKey());
                out.writeLong(publication.version());
                writeString(out, publication.json());
            }
            return buffer.toByteArray();
        }

        @Override
        public List<Publication> deserialize(int version, byte[] serialized) throws IOException {
            if (version != 2) {
                throw new IOException("unknown committable version " + version);
            }
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized));
            int size = in.readInt();
            List<Publication> batch = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                batch.add(new Publication(readString(in), readString(in), readString(in), in.readLong(), readString(in)));
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
