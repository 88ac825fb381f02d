package io.pulse.contracts.event;

import java.time.Duration;

/**
 * The limits every entry point enforces through {@link EventValidator}. The defaults are documented in
 * {@code docs/event-contract.md}; change both together.
 *
 * @param maxNameLength       tenant, metric and dimension-key length
 * @param maxDimensions       dimensions per event
 * @param maxDimensionValueLength characters per dimension value
 * @param maxPastSkew         how far behind the validator's clock an event time may be
 * @param maxFutureSkew       how far ahead of the validator's clock an event time may be
 * @param maxMessageBytes     size of one AMQP message body (one event or a batch)
 */
public record EventLimits(int maxNameLength, int maxDimensions, int maxDimensionValueLength,
                          Duration maxPastSkew, Duration maxFutureSkew, int maxMessageBytes)
        implements java.io.Serializable {

    /**
     * Largest magnitude of a value: a sum of any number of events (the count is a long, below 2^63)
     * stays finite, so no stored sum, mean or sketch bin can become infinite.
     */
    public static final double MAX_ABS_VALUE = 1e280;
    /**
     * Smallest non-zero magnitude of a value: far above the quantile sketch's smallest indexable value,
     * below which it would count a value as zero and lose its relative accuracy.
     */
    public static final double MIN_ABS_VALUE = 1e-280;

    /** Names start with a lower-case letter; then lower-case letters, digits, '_', '-', '.'. */
    public static final String NAME_PATTERN = "[a-z][a-z0-9_.-]*";

    public static final EventLimits DEFAULT = new EventLimits(
            64, 16, 256, Duration.ofHours(24), Duration.ofMinutes(5), 4 * 1024 * 1024);

    /** Whether {@code name} follows {@link #NAME_PATTERN} within the length limit (per event, so no regex). */
    public boolean isValidName(String name) {
        int length = name.length();
        if (length == 0 || length > maxNameLength || name.charAt(0) < 'a' || name.charAt(0) > 'z') {
            return false;
        }
        for (int i = 1; i < length; i++) {
            char c = name.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }
}
