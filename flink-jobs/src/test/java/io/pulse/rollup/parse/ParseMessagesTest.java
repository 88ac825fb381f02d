package io.pulse.rollup.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.contracts.deadletter.DeadLetter;
import io.pulse.contracts.event.Event;
import io.pulse.contracts.event.EventLimits;
import io.pulse.rollup.source.RawMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ParseMessagesTest {

    private static final long SENT_AT = 1_700_000_000_999L;

    private OneInputStreamOperatorTestHarness<RawMessage, SentEvent> harness;

    /** The events passed on, each carrying its message's sending time. */
    private List<Event> events() {
        assertThat(harness.extractOutputValues()).allSatisfy(sent -> assertThat(sent.sentAt()).isEqualTo(SENT_AT));
        return harness.extractOutputValues().stream().map(SentEvent::event).toList();
    }

    @BeforeEach
    void open() throws Exception {
        harness = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new ParseMessages(EventLimits.DEFAULT)));
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void send(String correlationId, String body) throws Exception {
        send("acme", correlationId, body);
    }

    private void send(String routingTenant, String correlationId, String body) throws Exception {
        harness.processElement(new RawMessage("amqp:q", routingTenant, correlationId,
                body.getBytes(StandardCharsets.UTF_8), SENT_AT, null), 0);
    }

    private List<DeadLetter> rejected() {
        return harness.getSideOutput(ParseMessages.REJECTED).stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void passesValidEventsOfABatchAndDeadLettersTheRestWithIndexAndReason() throws Exception {
        long now = System.currentTimeMillis();
        send("m-1", "[{\"tenant\":\"acme\",\"metric\":\"m\",\"timestamp\":" + now + ",\"value\":1},"
                + "{\"tenant\":\"acme\",\"metric\":\"m\",\"timestamp\":" + now + ",\"value\":\"x\"},"
                + "{\"tenant\":\"acme\",\"metric\":\"m\",\"timestamp\":" + now + ",\"value\":3}]");
        assertThat(events()).extracting(Event::value).containsExactly(1.0, 3.0);
        assertThat(rejected()).singleElement().satisfies(letter -> {
            assertThat(letter.index()).isEqualTo(1);
            assertThat(letter.reason()).isEqualTo("invalid-type");
            assertThat(letter.correlationId()).isEqualTo("m-1");
        });
    }

    @Test
    void rejectsWholeMessagesThatAreNotJsonOrHaveNoCorrelationId() throws Exception {
        send("m-2", "{not json");
        send(null, "[{\"tenant\":\"acme\",\"metric\":\"m\",\"timestamp\":1,\"value\":1}]");
        assertThat(events()).isEmpty();
        assertThat(rejected()).extracting(DeadLetter::reason).containsExactly("malformed-json", "missing-correlation-id");
        assertThat(rejected()).extracting(DeadLetter::index).containsExactly(-1, -1);
        // a redelivery of the same id-less message is stored once
        send(null, "[{\"tenant\":\"acme\",\"metric\":\"m\",\"timestamp\":1,\"value\":1}]");
        assertThat(rejected().get(2).id()).isEqualTo(rejected().get(1).id());
    }

    /** Issue 9, case 8: the routing key's tenant is the producer's; a body cannot write another tenant. */
    @Test
    void holdsEveryEventToTheTenantOfItsRoutingKey() throws Exception {
        long now = System.currentTimeMillis();
        send("acme", "m-3", "[{\"tenant\":\"globex\",\"metric\":\"m\",\"timestamp\":" + now + ",\"value\":1},"
                + "{\"metric\":\"m\",\"timestamp\":" + now + ",\"value\":2},"
                + "{\"tenant\":\"acme\",\"metric\":\"m\",\"timestamp\":" + now + ",\"value\":3}]");
        assertThat(events()).extracting(Event::tenant, Event::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("acme", 2.0), org.assertj.core.groups.Tuple.tuple("acme", 3.0));
        assertThat(rejected()).singleElement().satisfies(letter -> {
            assertThat(letter.reason()).isEqualTo("tenant-mismatch");
            assertThat(letter.index()).isZero();
            assertThat(letter.tenant()).isEqualTo("acme");
        });
    }
}
