package io.pulse.rollup.correction;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.rollup.SeriesKey;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The corrections writer: one correction per row, held for its interval in checkpointed state. */
class CorrectionSinkTest {

    private static final SeriesKey KEY = SeriesKey.of("acme", "latency", Map.of("region", "eu"));

    private static Correction correction(long bucket, long version, double value) {
        RollupAggregate delta = new RollupAggregate();
        delta.add(value, "u");
        return new Correction(KEY, Granularity.TEN_SECONDS, bucket, version, delta);
    }

    private static CorrectionSink sink(long intervalMillis) {
        return new CorrectionSink(null, null, null, null, intervalMillis);
    }

    @Test
    void foldsPerRowAndHoldsTheBatchInItsStateUntilTheInterval() throws Exception {
        CorrectionSink.Writer writer = sink(Long.MAX_VALUE).restoreWriter(null, List.of());
        writer.write(correction(0, 5, 1), null);
        writer.write(correction(0, 7, 2), null);
        writer.write(correction(10_000, 6, 3), null);
        assertThat(writer.prepareCommit()).isEmpty();

        // what the checkpoint keeps survives a restore, through the serializer
        var serializer = sink(0).getWriterStateSerializer();
        List<CorrectionSink.Batch> state = writer.snapshotState(1);
        CorrectionSink.Batch restored = serializer.deserialize(serializer.getVersion(), serializer.serialize(state.get(0)));
        CorrectionSink.Writer after = sink(0).restoreWriter(null, List.of(restored));
        Collection<CorrectionSink.Batch> committed = after.prepareCommit();
        assertThat(committed).singleElement().satisfies(batch -> {
            assertThat(batch.corrections()).hasSize(2);
            Correction first = batch.corrections().get(0);
            assertThat(first.delta().count()).isEqualTo(2);
            assertThat(first.delta().sum()).isEqualTo(3);
            assertThat(first.version()).isEqualTo(7);
        });
        assertThat(after.snapshotState(2)).isEmpty();
    }

    @Test
    void theEndOfInputCommitsWhatIsHeld() {
        CorrectionSink.Writer writer = sink(Long.MAX_VALUE).restoreWriter(null, List.of());
        writer.write(correction(0, 1, 1), null);
        writer.flush(true);
        assertThat(writer.prepareCommit()).hasSize(1);
    }
}
