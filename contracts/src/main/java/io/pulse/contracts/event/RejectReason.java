package io.pulse.contracts.event;

/** Machine-readable reasons for rejecting an event or a whole message; stored with each dead letter. */
public enum RejectReason {
    MALFORMED_JSON,
    MISSING_FIELD,
    INVALID_TYPE,
    INVALID_NAME,
    /** Not finite, or outside {@link EventLimits#MAX_ABS_VALUE} (what sums and sketches can hold). */
    INVALID_VALUE,
    /** Not valid UTF-8 (a whole message) or a string that is not valid Unicode (a lone surrogate escape). */
    INVALID_ENCODING,
    TOO_MANY_DIMENSIONS,
    INVALID_DIMENSION,
    TIMESTAMP_TOO_OLD,
    TIMESTAMP_IN_FUTURE,
    MESSAGE_TOO_LARGE,
    MISSING_CORRELATION_ID,
    /** The event names a tenant other than its credential's (HTTP) or its routing key's (AMQP). */
    TENANT_MISMATCH,
    /** The tenant's metric already has as many series as its cap allows. */
    CARDINALITY_LIMIT;

    /** The wire form: lower-case with dashes, e.g. {@code timestamp-too-old}. */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
