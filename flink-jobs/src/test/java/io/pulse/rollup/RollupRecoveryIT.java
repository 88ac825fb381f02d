package io.pulse.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import io.pulse.contracts.amqp.EventTopology;
import io.pulse.rollup.correction.Correction;
import io.pulse.rollup.correction.CorrectionSink;
import io.pulse.rollup.source.EventSource;
import io.pulse.rollup.source.RabbitMqShardSource;
import io.pulse.rollup.source.RawMessage;
import io.pulse.rollup.testing.ArchivedEvents;
import io.pulse.rollup.testing.DataSet;
import io.pulse.rollup.testing.PipelineScenario;
import io.pulse.rollup.testing.Reference;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.connectors.rabbitmq.RMQSource;
import org.apache.flink.streaming.connectors.rabbitmq.common.RMQConnectionConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Crashes the running job (a task failure, not a clean stop) at several points in the middle of the
 * stream; Flink restores the last completed checkpoint and RabbitMQ redelivers what was not
 * acknowledged. The finished rows must still equal the reference, and the raw event archive must hold
 * every accepted event once: no loss and no double count.
 */
class RollupRecoveryIT {

    enum CrashPoint {
        /** While reading the 3rd message of shard 0: before or around the first checkpoint. */
        EARLY_MID_STREAM,
        /** While reading the 15th message of shard 0: between two later checkpoints. */
        LATE_MID_STREAM,
        /** After a checkpoint completed, before the source acknowledged its messages to RabbitMQ. */
        BETWEEN_CHECKPOINT_AND_ACK,
        /**
         * With every event a correction (the watermark held at most 30 s behind the wall clock, the data two
         * hours old): right after the first correction batch was merged into PostgreSQL, before Flink
         * finished its commit. Recovery hands the batch over again; it must not be applied twice.
         */
        AFTER_CORRECTIONS_COMMITTED
    }

    // The MiniCluster runs in this JVM, so the injected sources report through static fields.
    static final AtomicInteger DELIVERED = new AtomicInteger();
    static final AtomicInteger REDELIVERED = new AtomicInteger();
    static final AtomicBoolean CRASHED = new AtomicBoolean();
    static volatile CrashPoint crashPoint;

    @TempDir
    Path archive;

    @BeforeEach
    void reset() {
        DELIVERED.set(0);
        REDELIVERED.set(0);
        CRASHED.set(false);
    }

    @ParameterizedTest
    @EnumSource(CrashPoint.class)
    void recoversWithNoLossAndNoDoubleCount(CrashPoint point) throws Exception {
        crashPoint = point;
        DataSet data = new DataSet(DataSet.hourTwoHoursAgo(),
                PipelineScenario.SHARDS, 1_000, 50, 15_000, point.ordinal() + 10);
        boolean corrections = point == CrashPoint.AFTER_CORRECTIONS_COMMITTED;
        // the raw event archive rides along: a crash must not lose or repeat an archived event either
        try (PipelineScenario scenario = new PipelineScenario("pulse_recovery",
                corrections ? Duration.ofSeconds(30) : Duration.ofHours(24), PipelineScenario.defaultSpecWithLateness("30s"),
                "--archive-dir", archive.toUri().toString())) {
            List<EventSource> sources = new ArrayList<>(scenario.job().rabbitMqSources());
            sources.set(0, new CrashingShardSource(scenario.job().rabbitMqConnection(), scenario.topology()));
            RollupSinks sinks = scenario.job().productionSinks();
            if (corrections) {
                sinks = new RollupSinks(sinks.tables(), sinks.live(), sinks.deadLetters(),
                        new CrashAfterCorrectionsCommitted((CorrectionSink) sinks.corrections()), sinks.eventTimes(),
                        sinks.archive());
            }
            scenario.start(sources, sinks);
            if (corrections) {
                // once a sentinel's row is written the watermark stands 30 s behind the wall clock, so every
                // event of the data set, two hours old, arrives after its windows: each one a correction
                scenario.publish(data.sentinels.subList(0, 1));
                await().atMost(Duration.ofMinutes(1)).until(() -> scenario.count(
                        "SELECT count(*) FROM rollup_10s WHERE tenant = '" + DataSet.SENTINEL_TENANT + "'") > 0);
            }

            // the crash happens while the first half is consumed; the rest arrives after the restart,
            // behind the redelivered messages, so the final rows include the replay
            int half = data.main.size() / 2;
            scenario.publish(data.main.subList(0, half));
            await().atMost(Duration.ofMinutes(1)).untilTrue(CRASHED);
            scenario.publish(data.main.subList(half, data.main.size()));
            scenario.publish(data.sentinels);
            Map<Reference.Window, Reference.Truth> expected = scenario.awaitFinalRows(data);

            if (!corrections) {
                assertThat(REDELIVERED.get()).as("RabbitMQ redelivered unacknowledged messages").isPositive();
            } else {
                assertThat(scenario.count("SELECT sum(late_events) FROM tenant_corrections WHERE tenant <> 'sentinel'"))
                        .as("every event a correction, each applied once").isEqualTo(data.counted.size());
            }
            scenario.assertRowsMatch(expected);
            scenario.assertPublicationsMatch(expected);
            // part files are committed with the checkpoint after their events
            await().atMost(Duration.ofSeconds(30)).until(() -> ArchivedEvents.counted(archive).size() >= data.counted.size());
            assertThat(ArchivedEvents.counted(archive)).as("every accepted event archived once")
                    .containsExactlyInAnyOrderElementsOf(data.counted);
            await().atMost(Duration.ofSeconds(30)).until(() -> scenario.deadLetters().containsAll(data.rejections));
        }
    }

    /** Shard 0's production source, with a crash injected at {@link #crashPoint}. */
    static final class CrashingShardSource extends RabbitMqShardSource {
        private static final long serialVersionUID = 1L;

        CrashingShardSource(RMQConnectionConfig connection, EventTopology topology) {
            super(connection, topology, 0);
        }

        @Override
        protected RMQSource<RawMessage> newSource() {
            return new CrashingRmqSource(connection(), topology(), queue());
        }
    }

    static final class CrashingRmqSource extends RabbitMqShardSource.TopologyDeclaringSource {
        private static final long serialVersionUID = 1L;

        CrashingRmqSource(RMQConnectionConfig connection, EventTopology topology, String queue) {
            super(connection, topology, queue, new CountingDeserializer("amqp:" + queue));
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            if (crashPoint == CrashPoint.BETWEEN_CHECKPOINT_AND_ACK && DELIVERED.get() >= 10
                    && CRASHED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected crash: checkpoint " + checkpointId
                        + " completed, its messages not yet acknowledged");
            }
            super.notifyCheckpointComplete(checkpointId);
        }
    }

    static final class CountingDeserializer extends RabbitMqShardSource.RawMessageDeserializer {
        private static final long serialVersionUID = 1L;

        CountingDeserializer(String source) {
            super(source);
        }

        @Override
        public void deserialize(Envelope envelope, AMQP.BasicProperties properties, byte[] body,
                                RMQCollector<RawMessage> collector) {
            if (envelope.isRedeliver()) {
                REDELIVERED.incrementAndGet();
            }
            int delivered = DELIVERED.incrementAndGet();
            int crashAt = crashPoint == CrashPoint.EARLY_MID_STREAM ? 3 : crashPoint == CrashPoint.LATE_MID_STREAM ? 15 : -1;
            if (delivered == crashAt && CRASHED.compareAndSet(false, true)) {
                throw new IllegalStateException(new IOException("injected crash while reading message " + delivered));
            }
            super.deserialize(envelope, properties, body, collector);
        }
    }

    /** The production corrections sink, whose committer fails once right after its first batch was merged. */
    static final class CrashAfterCorrectionsCommitted implements Sink<Correction>, SupportsCommitter<CorrectionSink.Batch>,
            SupportsWriterState<Correction, CorrectionSink.Batch> {
        private static final long serialVersionUID = 1L;
        private final CorrectionSink delegate;

        CrashAfterCorrectionsCommitted(CorrectionSink delegate) {
            this.delegate = delegate;
        }

        @Override
        @SuppressWarnings("deprecation")
        public SinkWriter<Correction> createWriter(InitContext context) throws IOException {
            return delegate.createWriter(context);
        }

        @Override
        public StatefulSinkWriter<Correction, CorrectionSink.Batch> restoreWriter(WriterInitContext context,
                Collection<CorrectionSink.Batch> recovered) {
            return delegate.restoreWriter(context, recovered);
        }

        @Override
        public SimpleVersionedSerializer<CorrectionSink.Batch> getWriterStateSerializer() {
            return delegate.getWriterStateSerializer();
        }

        @Override
        public Committer<CorrectionSink.Batch> createCommitter(CommitterInitContext context) throws IOException {
            Committer<CorrectionSink.Batch> committer = delegate.createCommitter(context);
            return new Committer<>() {
                @Override
                public void commit(Collection<CommitRequest<CorrectionSink.Batch>> requests)
                        throws IOException, InterruptedException {
                    committer.commit(requests);
                    boolean dataCorrected = requests.stream().flatMap(r -> r.getCommittable().corrections().stream())
                            .anyMatch(c -> !c.key().tenant().equals(DataSet.SENTINEL_TENANT));
                    if (dataCorrected && CRASHED.compareAndSet(false, true)) {
                        throw new IOException("injected crash: " + requests.size() + " correction batches merged,"
                                + " their commit not yet finished");
                    }
                }

                @Override
                public void close() throws Exception {
                    committer.close();
                }
            };
        }

        @Override
        public SimpleVersionedSerializer<CorrectionSink.Batch> getCommittableSerializer() {
            return delegate.getCommittableSerializer();
        }
    }
}
