package io.pulse.contracts.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.contracts.event.RejectReason;
import io.pulse.contracts.event.Rejection;
import org.junit.jupiter.api.Test;

class DeadLetterTest {

    private static final Rejection LATE = Rejection.of(RejectReason.INVALID_VALUE, "bad");

    @Test
    void theSameRejectionOfTheSameElementAlwaysGetsTheSameId() {
        DeadLetter first = DeadLetter.of("amqp:q", "m-1", 3, "acme", LATE, "{}", 1);
        DeadLetter again = DeadLetter.of("amqp:q", "m-1", 3, "acme", LATE, "{}", 2);
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(first.reason()).isEqualTo("invalid-value");
        assertThat(DeadLetter.of("amqp:q", "m-1", 4, "acme", LATE, "{}", 1).id()).isNotEqualTo(first.id());
        assertThat(DeadLetter.of("amqp:q", "m-2", 3, "acme", LATE, "{}", 1).id()).isNotEqualTo(first.id());
        assertThat(DeadLetter.of("amqp:q", "m-1", 3, "acme", Rejection.of(RejectReason.INVALID_NAME, "x"), "{}", 1).id())
                .isNotEqualTo(first.id());
        // correlation ids are unique per tenant only (issue 9): another tenant's element is another letter
        assertThat(DeadLetter.of("amqp:q", "m-1", 3, "globex", LATE, "{}", 1).id()).isNotEqualTo(first.id());
    }

    @Test
    void withoutACorrelationIdTheIdFollowsThePayload() {
        assertThat(DeadLetter.of("amqp:q", null, -1, null, LATE, "{\"a\":1}", 1).id())
                .isEqualTo(DeadLetter.of("amqp:q", null, -1, null, LATE, "{\"a\":1}", 9).id())
                .isNotEqualTo(DeadLetter.of("amqp:q", null, -1, null, LATE, "{\"a\":2}", 1).id());
    }

    @Test
    void textPostgresqlCannotHoldIsStoredWithAReplacementCharacter() {
        DeadLetter letter = DeadLetter.of("amqp:q", "id\u0000", -1, "a\u0000", LATE, "{\u0000}", 1);
        assertThat(letter.payload() + letter.correlationId() + letter.tenant()).doesNotContain("\u0000");
        assertThat(letter.payload()).isEqualTo("{\uFFFD}");
    }
}
