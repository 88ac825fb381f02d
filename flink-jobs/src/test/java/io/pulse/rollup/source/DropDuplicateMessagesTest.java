package io.pulse.rollup.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class DropDuplicateMessagesTest {

    private static OneInputStreamOperatorTestHarness<RawMessage, RawMessage> harness(long windowMillis)
            throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new DropDuplicateMessages(windowMillis)));
    }

    private static RawMessage message(String correlationId) {
        return message("acme", correlationId);
    }

    private static RawMessage message(String tenant, String correlationId) {
        return new RawMessage("amqp:q", tenant, correlationId, "{}".getBytes(StandardCharsets.UTF_8), 0, null);
    }

    /** Issue 9, case 6: ids are unique per tenant only, so another tenant's same id is another message. */
    @Test
    void aCorrelationIdRepeatsOnlyWithinItsTenant() throws Exception {
        try (OneInputStreamOperatorTestHarness<RawMessage, RawMessage> harness = harness(60_000)) {
            harness.open();
            harness.processElement(message("acme", "42"), 0);
            harness.processElement(message("globex", "42"), 0);
            harness.processElement(message("globex", "42"), 0);
            assertThat(harness.extractOutputValues()).extracting(RawMessage::tenant).containsExactly("acme", "globex");
        }
    }

    @Test
    void dropsARepeatedCorrelationIdAndRemembersItAcrossARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (OneInputStreamOperatorTestHarness<RawMessage, RawMessage> first = harness(60_000)) {
            first.open();
            first.processElement(message("a"), 0);
            first.processElement(message("b"), 0);
            first.processElement(message("a"), 0);
            assertThat(first.extractOutputValues()).extracting(RawMessage::correlationId).containsExactly("a", "b");
            snapshot = first.snapshot(1, 1);
        }
        try (OneInputStreamOperatorTestHarness<RawMessage, RawMessage> restored = harness(60_000)) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement(message("b"), 0);
            restored.processElement(message("c"), 0);
            assertThat(restored.extractOutputValues()).extracting(RawMessage::correlationId).containsExactly("c");
        }
    }

    @Test
    void forgetsIdsOlderThanTheWindowAndNeverDropsIdLessMessages() throws Exception {
        try (OneInputStreamOperatorTestHarness<RawMessage, RawMessage> harness = harness(0)) {
            harness.open();
            harness.processElement(message(null), 0);
            harness.processElement(message(null), 0);
            harness.processElement(message("a"), 0);
            org.awaitility.Awaitility.await().until(() -> {
                harness.processElement(message("a"), 0);
                return harness.extractOutputValues().size() > 3;
            });
            assertThat(harness.extractOutputValues()).extracting(RawMessage::correlationId)
                    .containsExactly(null, null, "a", "a");
        }
    }
}
