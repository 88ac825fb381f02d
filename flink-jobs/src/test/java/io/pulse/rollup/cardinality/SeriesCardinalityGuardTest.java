package io.pulse.rollup.cardinality;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.contracts.deadletter.DeadLetter;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.rollup.SeriesKey;
import io.pulse.rollup.testing.Harnesses;
import io.pulse.rollup.window.Partial;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SeriesCardinalityGuardTest {

    private static final long HOUR = 3_600_000L;
    private static final long T0 = 1_700_002_800_000L; // an hour boundary

    private KeyedOneInputStreamOperatorTestHarness<String, Partial, Partial> harness;

    @BeforeEach
    void open() throws Exception {
        harness = Harnesses.keyed(new SeriesCardinalityGuard(2), SeriesCardinalityGuard::metricOf, String.class);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void send(String region, long timestamp, int events) throws Exception {
        RollupAggregate aggregate = new RollupAggregate();
        for (int i = 0; i < events; i++) {
            aggregate.add(1, null);
        }
        harness.processElement(new Partial(SeriesKey.of("acme", "m", Map.of("region", region)), timestamp, aggregate),
                timestamp);
    }

    @Test
    void foldsSeriesBeyondTheCapIntoTheOverflowSeriesAndReportsOncePerHour() throws Exception {
        send("a", T0, 1);
        send("b", T0, 1);
        send("c", T0, 5);
        send("a", T0 + 10_000, 1); // known series still pass
        send("d", T0 + 20_000, 2);

        List<Partial> out = harness.extractOutputValues();
        assertThat(out).extracting(p -> p.key().dimensions()).containsExactly(Map.of("region", "a"),
                Map.of("region", "b"), SeriesCardinalityGuard.OVERFLOW_SERIES, Map.of("region", "a"),
                SeriesCardinalityGuard.OVERFLOW_SERIES);
        assertThat(out).extracting(p -> p.aggregate().count()).containsExactly(1L, 1L, 5L, 1L, 2L);
        List<DeadLetter> reports = harness.getSideOutput(SeriesCardinalityGuard.OVERFLOW).stream()
                .map(StreamRecord::getValue).toList();
        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo("cardinality-limit");
            assertThat(r.tenant()).isEqualTo("acme");
        });

        send("e", T0 + HOUR, 1); // a new hour: reported again
        assertThat(harness.getSideOutput(SeriesCardinalityGuard.OVERFLOW)).hasSize(2);
    }

    @Test
    void forgetsIdleSeriesSoNewOnesFitAndDropsAllStateWhenNoneIsLeft() throws Exception {
        send("a", T0, 1);
        send("b", T0, 1);
        harness.processWatermark(T0 + 2 * HOUR);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();

        send("c", T0 + 2 * HOUR + 1, 1);
        assertThat(harness.extractOutputValues()).last()
                .satisfies(p -> assertThat(p.key().dimensions()).isEqualTo(Map.of("region", "c")));
    }
}
