package io.pulse.contracts.event;

/** Why an event was refused: a stable code for machines and a message for people. */
public record Rejection(RejectReason reason, String message) {

    public static Rejection of(RejectReason reason, String message) {
        return new Rejection(reason, message);
    }
}
