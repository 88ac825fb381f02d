package io.pulse.contracts.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.contracts.event.RejectReason;
import io.pulse.contracts.event.Rejection;
import org.junit.jupiter.api.Test;

class DeadLetterTest {

    private static final Rejection LATE = Rejection.of(RejectReason.LATE, "late");

    @Test
    void theSameRejectionOfTheSameElementAlwaysGetsTheSameId() {
        DeadLetter first = DeadLetter.of("amqp:q", "m-1", 3, "acme", LATE, "{}", 1);
        DeadLetter again = DeadLetter.of("amqp:q", "m-1", 3, "acme", LATE, "{}", 2);
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(first.reason()).isEqualTo("late");
        assertThat(DeadLetter.of("amqp:q", "m-1", 4, "acme", LATE, "{}", 1).id()).isNotEqualTo(first.id());
        assertThat(DeadLetter.of("amqp:q", "m-2", 3, "acme", LATE, "{}", 1).id()).isNotEqualTo(first.id());
        assertThat(DeadLetter.of("amqp:q", "m-1", 3, "acme", Rejection.of(RejectReason.INVALID_NAME, "x"), "{}", 1).id())
                .isNotEqualTo(first.id());
    }

    @Test
    void withoutACorrelationIdTheIdFollowsThePayload() {
        assertThat(DeadLetter.of("amqp:q", null, -1, null, LATE, "{\"a\":1}", 1).id())
                .isEqualTo(DeadLetter.of("amqp:q", null, -1, null, LATE, "{\"a\":1}", 9).id())
                .isNotEqualTo(DeadLetter.of("amqp:q", null, -1, null, LATE, "{\"a\":2}", 1).id());
    }
}
