package io.pulse.rollup.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.contracts.deadletter.DeadLetter;
import io.pulse.contracts.event.Event;
import io.pulse.contracts.event.EventJson;
import io.pulse.rollup.parse.ParsedEvent;
import io.pulse.rollup.testing.Harnesses;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PaneCombinerTest {

    private static final long T0 = 1_700_000_040_000L;
    private static final long LATENESS = 30_000;

    private OneInputStreamOperatorTestHarness<ParsedEvent, Partial> harness;

    @BeforeEach
    void open() throws Exception {
        open(100);
    }

    private void open(int maxBufferedPanes) throws Exception {
        if (harness != null) {
            harness.close();
        }
        harness = new OneInputStreamOperatorTestHarness<>(
                new PaneCombiner(SeriesDimensions.DEFAULT, LATENESS, maxBufferedPanes));
        Harnesses.registerSerializers(harness.getExecutionConfig());
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void send(long timestamp, String region, String user, double value) throws Exception {
        Event event = new Event("acme", "latency", timestamp, value, Map.of("region", region, "user", user), null);
        harness.processElement(new ParsedEvent(event, "test", "msg-1", 0), timestamp);
    }

    @Test
    void combinesEventsPerSeriesAndPaneWithoutTheDistinctDimensionInTheKey() throws Exception {
        send(T0 + 1, "eu", "alice", 1);
        send(T0 + 2, "eu", "bob", 3);
        send(T0 + 3, "us", "alice", 5);
        send(T0 + 10_001, "eu", "alice", 7);
        assertThat(harness.extractOutputValues()).isEmpty();

        harness.processWatermark(T0 + 9_999); // passes the first pane only
        List<Partial> first = harness.extractOutputValues();
        assertThat(first).hasSize(2).allSatisfy(p -> assertThat(p.timestamp()).isEqualTo(T0));
        Partial eu = first.stream().filter(p -> p.key().series().contains("eu")).findFirst().orElseThrow();
        assertThat(eu.key().series()).isEqualTo("{\"region\":\"eu\"}");
        assertThat(eu.aggregate().count()).isEqualTo(2);
        assertThat(eu.aggregate().sum()).isEqualTo(4);
        assertThat(eu.aggregate().distinct()).isBetween(1.9, 2.1);

        harness.prepareSnapshotPreBarrier(1); // nothing stays buffered across a checkpoint
        assertThat(harness.extractOutputValues()).hasSize(3);
    }

    @Test
    void flushesWhenTheBufferIsFullOrTheInputGoesIdle() throws Exception {
        open(3);
        send(T0, "a", "u", 1);
        send(T0, "b", "u", 1);
        assertThat(harness.extractOutputValues()).isEmpty();
        send(T0, "c", "u", 1); // third buffered pane reaches the bound of 3
        assertThat(harness.extractOutputValues()).hasSize(3);
        send(T0, "d", "u", 1);
        harness.processWatermarkStatus(WatermarkStatus.IDLE);
        assertThat(harness.extractOutputValues()).hasSize(4);
    }

    @Test
    void deadLettersEventsLaterThanTheirPanePlusLatenessAndKeepsTheRest() throws Exception {
        harness.processWatermark(T0 + 10_000 + LATENESS);
        send(T0 + 5_000, "eu", "alice", 1); // pane ended 9_999 + 30_000 < watermark: late
        send(T0 + 15_000, "eu", "alice", 2); // pane still within lateness: kept
        harness.prepareSnapshotPreBarrier(1);

        assertThat(harness.extractOutputValues()).singleElement()
                .satisfies(p -> assertThat(p.aggregate().sum()).isEqualTo(2));
        List<DeadLetter> late = harness.getSideOutput(PaneCombiner.LATE).stream().map(StreamRecord::getValue).toList();
        assertThat(late).singleElement().satisfies(letter -> {
            assertThat(letter.reason()).isEqualTo("late");
            assertThat(letter.correlationId()).isEqualTo("msg-1");
            assertThat(letter.tenant()).isEqualTo("acme");
            assertThat(letter.payload()).isEqualTo(EventJson.write(new Event("acme", "latency", T0 + 5_000, 1,
                    Map.of("region", "eu", "user", "alice"), null)));
        });
    }
}
