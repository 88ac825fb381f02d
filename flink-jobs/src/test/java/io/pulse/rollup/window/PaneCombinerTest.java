package io.pulse.rollup.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.contracts.event.Event;
import io.pulse.rollup.parse.SentEvent;
import io.pulse.rollup.freshness.TenantEventTime;
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
    private long now = T0 + 60_000;
    private static final long LATENESS = 30_000;

    private OneInputStreamOperatorTestHarness<SentEvent, Partial> harness;

    @BeforeEach
    void open() throws Exception {
        open(100);
    }

    private void open(int maxBufferedPanes) throws Exception {
        if (harness != null) {
            harness.close();
        }
        harness = new OneInputStreamOperatorTestHarness<>(
                new PaneCombiner(SeriesDimensions.DEFAULT, maxBufferedPanes, () -> now, "shard-0"));
        Harnesses.registerSerializers(harness.getExecutionConfig());
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void send(long timestamp, String region, String user, double value) throws Exception {
        send("acme", timestamp, region, user, value);
    }

    private void send(String tenant, long timestamp, String region, String user, double value) throws Exception {
        harness.processElement(new SentEvent(new Event(tenant, "latency", timestamp, value,
                Map.of("region", region, "user", user), null), 0), timestamp);
    }

    @Test
    void combinesEventsPerSeriesAndPaneWithoutTheDistinctDimensionInTheKey() throws Exception {
        send(T0 + 1, "eu", "alice", 1);
        send(T0 + 2, "eu", "bob", 3);
        send(T0 + 3, "us", "alice", 5);
        send(T0 + 10_001, "eu", "alice", 7);
        send(T0 + 4, "eu", "carol", 2); // back to the first pane after the second
        assertThat(harness.extractOutputValues()).isEmpty();

        harness.processWatermark(T0 + 9_999); // passes the first pane only
        List<Partial> first = harness.extractOutputValues();
        assertThat(first).hasSize(2).allSatisfy(p -> assertThat(p.timestamp()).isEqualTo(T0));
        Partial eu = first.stream().filter(p -> p.key().series().contains("eu")).findFirst().orElseThrow();
        assertThat(eu.key().series()).isEqualTo("{\"region\":\"eu\"}");
        assertThat(eu.aggregate().count()).isEqualTo(3);
        assertThat(eu.aggregate().sum()).isEqualTo(6);
        assertThat(eu.aggregate().distinct()).isBetween(2.9, 3.1);

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
    void passesLateEventsOnForTheStagesToMergeOrCorrect() throws Exception {
        harness.processWatermark(T0 + 10_000 + LATENESS);
        send(T0 + 5_000, "eu", "alice", 1); // its pane ended long before the watermark
        harness.prepareSnapshotPreBarrier(1);
        assertThat(harness.extractOutputValues()).singleElement()
                .satisfies(p -> assertThat(p.aggregate().sum()).isEqualTo(1));
    }

    @Test
    void reportsEachTenantsNewestEventTimeNeverPastTheWallClockAtEachCheckpoint() throws Exception {
        send("acme", now - 5_000, "eu", "u", 1);
        send("acme", now - 9_000, "eu", "u", 1);
        send("globex", now + 240_000, "eu", "u", 1); // a clock four minutes ahead
        harness.prepareSnapshotPreBarrier(1);
        assertThat(harness.getSideOutput(PaneCombiner.EVENT_TIMES)).extracting(StreamRecord::getValue)
                .containsExactlyInAnyOrder(new TenantEventTime("acme", now - 5_000), new TenantEventTime("globex", now));
        harness.prepareSnapshotPreBarrier(2); // nothing new: nothing reported again
        assertThat(harness.getSideOutput(PaneCombiner.EVENT_TIMES)).hasSize(2);
    }
}
