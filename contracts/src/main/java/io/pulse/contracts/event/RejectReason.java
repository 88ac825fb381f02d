package io.pulse.contracts.event;

/** Machine-readable reasons for rejecting an event or a whole message; stored with each dead letter. */
public enum RejectReason {
    MALFORMED_JSON,
    MISSING_FIELD,
    INVALID_TYPE,
    INVALID_NAME,
    INVALID_VALUE,
    TOO_MANY_DIMENSIONS,
    INVALID_DIMENSION,
    TIMESTAMP_TOO_OLD,
    TIMESTAMP_IN_FUTURE,
    MESSAGE_TOO_LARGE,
    MISSING_CORRELATION_ID,
    /** On HTTP ingest: the event names a tenant other than the caller's credential. */
    TENANT_MISMATCH,
    /** Later than the watermark plus the allowed lateness of its window. */
    LATE,
    /** The tenant's metric already has as many series as its cap allows. */
    CARDINALITY_LIMIT;

    /** The wire form: lower-case with dashes, e.g. {@code timestamp-too-old}. */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
