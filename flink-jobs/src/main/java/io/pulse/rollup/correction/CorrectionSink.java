package io.pulse.rollup.correction;

import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.RedisKeys;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.rollup.SeriesKey;
import io.pulse.rollup.sink.JdbcTarget;
import io.pulse.rollup.sink.RedisPublicationSink;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.api.connector.sink2.Committer;
import io.pulse.rollup.metrics.PulseMetrics;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Merges corrections into the stored rows of closed windows, exactly once. The writer folds corrections
 * into one per row for {@code commitIntervalMillis} (kept in its checkpointed state meanwhile), then hands
 * them over as a committable with a random id; the {@link CorrectionCommitter} applies it only after that
 * checkpoint completes, in one transaction that also records the id, then publishes the corrected rows.
 * A batch committed again after a recovery finds its id and changes nothing; corrections of a checkpoint
 * that never completed are never applied, and their events, not yet acknowledged, are replayed. Folding
 * over an interval rather than a checkpoint means a row hit by late events all the time is rewritten
 * once per interval, not once per checkpoint. See docs/adr/0004.
 */
public final class CorrectionSink implements Sink<Correction>, SupportsCommitter<CorrectionSink.Batch>,
        SupportsWriterState<Correction, CorrectionSink.Batch> {

    private static final long serialVersionUID = 1L;

    /** One checkpoint's corrections of one writer, at most one per row. */
    public record Batch(UUID id, List<Correction> corrections) { }

    private final JdbcTarget target;
    private final String redisUri;
    private final RedisKeys keys;
    private final RedisPublicationSink.Retention retention;
    private final long commitIntervalMillis;

    public CorrectionSink(JdbcTarget target, String redisUri, RedisKeys keys, RedisPublicationSink.Retention retention,
                          long commitIntervalMillis) {
        this.target = target;
        this.redisUri = redisUri;
        this.keys = keys;
        this.retention = retention;
        this.commitIntervalMillis = commitIntervalMillis;
    }

    @Override
    @SuppressWarnings("deprecation")
    public Writer createWriter(InitContext context) {
        return new Writer(commitIntervalMillis, List.of());
    }

    @Override
    public Writer restoreWriter(WriterInitContext context, Collection<Batch> recoveredState) {
        return new Writer(commitIntervalMillis, recoveredState);
    }

    @Override
    public SimpleVersionedSerializer<Batch> getWriterStateSerializer() {
        return new BatchSerializer();
    }

    @Override
    public Committer<Batch> createCommitter(CommitterInitContext context) {
        return new CorrectionCommitter(target, redisUri, keys, retention,
                PulseMetrics.of(context.metricGroup()).counter("corrections_applied"));
    }

    @Override
    public SimpleVersionedSerializer<Batch> getCommittableSerializer() {
        return new BatchSerializer();
    }

    /** Folds corrections per row; emits them as one batch once per interval (or at the end of input). */
    public static final class Writer implements CommittingSinkWriter<Correction, Batch>, StatefulSinkWriter<Correction, Batch> {
        /** Id of the writer-state form of pending corrections; never claimed, committables get random ones. */
        private static final UUID PENDING = new UUID(0, 0);
        private final long intervalMillis;
        private Map<Correction.Row, Correction> pending = new LinkedHashMap<>();
        private long emittedAt = System.currentTimeMillis();
        private boolean endOfInput;

        Writer(long intervalMillis, Collection<Batch> recovered) {
            this.intervalMillis = intervalMillis;
            recovered.forEach(batch -> batch.corrections().forEach(this::write));
        }

        private void write(Correction correction) {
            pending.merge(correction.row(), correction, Writer::fold);
        }

        @Override
        public void write(Correction correction, Context context) {
            write(correction);
        }

        private static Correction fold(Correction earlier, Correction later) {
            RollupAggregate delta = earlier.delta().copy();
            delta.merge(later.delta());
            return new Correction(earlier.key(), earlier.granularity(), earlier.bucketStart(),
                    Math.max(earlier.version(), later.version()), delta);
        }

        @Override
        public Collection<Batch> prepareCommit() {
            long now = System.currentTimeMillis();
            if (pending.isEmpty() || (!endOfInput && now - emittedAt < intervalMillis)) {
                return List.of();
            }
            Batch batch = new Batch(UUID.randomUUID(), List.copyOf(pending.values()));
            pending = new LinkedHashMap<>();
            emittedAt = now;
            return List.of(batch);
        }

        @Override
        public List<Batch> snapshotState(long checkpointId) {
            return pending.isEmpty() ? List.of() : List.of(new Batch(PENDING, List.copyOf(pending.values())));
        }

        @Override
        public void flush(boolean endOfInput) {
            this.endOfInput |= endOfInput;
        }

        @Override
        public void close() {
        }
    }

    static final class BatchSerializer implements SimpleVersionedSerializer<Batch> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Batch batch) throws IOException {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(buffer);
            out.writeLong(batch.id().getMostSignificantBits());
            out.writeLong(batch.id().getLeastSignificantBits());
            out.writeInt(batch.corrections().size());
            for (Correction c : batch.corrections()) {
                out.writeUTF(c.key().tenant());
                out.writeUTF(c.key().metric());
                writeText(out, c.key().series());
                out.writeUTF(c.granularity().code());
                out.writeLong(c.bucketStart());
                out.writeLong(c.version());
                byte[] delta = c.delta().toBytes();
                out.writeInt(delta.length);
                out.write(delta);
            }
            return buffer.toByteArray();
        }

        @Override
        public Batch deserialize(int version, byte[] serialized) throws IOException {
            if (version != 1) {
                throw new IOException("unknown correction batch version " + version);
            }
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized));
            UUID id = new UUID(in.readLong(), in.readLong());
            int size = in.readInt();
            List<Correction> corrections = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                SeriesKey key = new SeriesKey(in.readUTF(), in.readUTF(), readText(in));
                Granularity granularity = Granularity.fromCode(in.readUTF());
                long bucketStart = in.readLong();
                long correctionVersion = in.readLong();
                byte[] delta = new byte[in.readInt()];
                in.readFully(delta);
                corrections.add(new Correction(key, granularity, bucketStart, correctionVersion,
                        RollupAggregate.fromBytes(delta)));
            }
            return new Batch(id, corrections);
        }

        /** Series text can exceed writeUTF's 64 KiB limit (16 dimensions of 256 characters in UTF-8). */
        private static void writeText(DataOutputStream out, String text) throws IOException {
            byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.writeInt(bytes.length);
            out.write(bytes);
        }

        private static String readText(DataInputStream in) throws IOException {
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
