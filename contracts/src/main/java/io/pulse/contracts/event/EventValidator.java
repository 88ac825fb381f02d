package io.pulse.contracts.event;

import java.util.Map;
import java.util.Optional;

/** The one validator of events, used by the rollup job and by HTTP ingest alike. */
public final class EventValidator {

    private final EventLimits limits;

    public EventValidator(EventLimits limits) {
        this.limits = limits;
    }

    public EventLimits limits() {
        return limits;
    }

    /** Returns the first rule the event breaks, or empty when it is valid at {@code nowMillis}. */
    public Optional<Rejection> validate(Event event, long nowMillis) {
        Optional<Rejection> name = checkName("tenant", event.tenant());
        if (name.isEmpty()) {
            name = checkName("metric", event.metric());
        }
        if (name.isPresent()) {
            return name;
        }
        double magnitude = Math.abs(event.value());
        if (!(magnitude <= EventLimits.MAX_ABS_VALUE) || (magnitude != 0 && magnitude < EventLimits.MIN_ABS_VALUE)) {
            return reject(RejectReason.INVALID_VALUE, "value must be 0 or a finite number of magnitude "
                    + EventLimits.MIN_ABS_VALUE + " to " + EventLimits.MAX_ABS_VALUE);
        }
        // compared without subtracting, so no timestamp can overflow into the other direction
        if (event.timestamp() < nowMillis - limits.maxPastSkew().toMillis()) {
            return reject(RejectReason.TIMESTAMP_TOO_OLD,
                    "timestamp is more than " + limits.maxPastSkew() + " in the past");
        }
        if (event.timestamp() > nowMillis + limits.maxFutureSkew().toMillis()) {
            return reject(RejectReason.TIMESTAMP_IN_FUTURE,
                    "timestamp is more than " + limits.maxFutureSkew() + " in the future");
        }
        if (event.clientId() != null) {
            if (event.clientId().length() > limits.maxDimensionValueLength()) {
                return reject(RejectReason.INVALID_TYPE,
                        "clientId must be at most " + limits.maxDimensionValueLength() + " characters");
            }
            if (firstFault(event.clientId(), true) != TextFault.NONE) {
                return reject(RejectReason.INVALID_ENCODING, "clientId is not valid Unicode (a lone surrogate)");
            }
        }
        return checkDimensions(event.dimensions());
    }

    private Optional<Rejection> checkDimensions(Map<String, String> dimensions) {
        if (dimensions.size() > limits.maxDimensions()) {
            return reject(RejectReason.TOO_MANY_DIMENSIONS,
                    "at most " + limits.maxDimensions() + " dimensions are allowed");
        }
        for (Map.Entry<String, String> dimension : dimensions.entrySet()) {
            Optional<Rejection> key = checkName("dimension key", dimension.getKey());
            if (key.isPresent()) {
                return key;
            }
            String value = dimension.getValue();
            if (value == null || value.isEmpty() || value.length() > limits.maxDimensionValueLength()) {
                return reject(RejectReason.INVALID_DIMENSION, "dimension '" + dimension.getKey()
                        + "' must have a value of 1 to " + limits.maxDimensionValueLength() + " characters");
            }
            switch (firstFault(value, false)) {
                case CONTROL_CHARACTER -> {
                    return reject(RejectReason.INVALID_DIMENSION,
                            "dimension '" + dimension.getKey() + "' contains a control character");
                }
                case LONE_SURROGATE -> {
                    return reject(RejectReason.INVALID_ENCODING,
                            "dimension '" + dimension.getKey() + "' is not valid Unicode (a lone surrogate)");
                }
                case NONE -> { }
            }
        }
        return Optional.empty();
    }

    private Optional<Rejection> checkName(String what, String name) {
        if (name == null || name.isEmpty()) {
            return reject(RejectReason.MISSING_FIELD, what + " is required");
        }
        if (!limits.isValidName(name)) {
            return reject(RejectReason.INVALID_NAME, what + " must match " + EventLimits.NAME_PATTERN
                    + " and be at most " + limits.maxNameLength() + " characters");
        }
        return Optional.empty();
    }

    enum TextFault { NONE, CONTROL_CHARACTER, LONE_SURROGATE }

    /**
     * The first fault of a text, in one pass since it runs for every dimension of every event. A lone
     * surrogate (half of a pair, which JSON escapes can spell: {@code "\\ud83d"}) cannot be held by any
     * UTF-8 store: PostgreSQL would turn it into '?' and merge it with another series.
     */
    static TextFault firstFault(String text, boolean controlAllowed) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!controlAllowed && Character.isISOControl(c)) {
                return TextFault.CONTROL_CHARACTER;
            }
            if (Character.isSurrogate(c)) {
                if (!Character.isHighSurrogate(c) || i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return TextFault.LONE_SURROGATE;
                }
                i++;
            }
        }
        return TextFault.NONE;
    }

    private static Optional<Rejection> reject(RejectReason reason, String message) {
        return Optional.of(Rejection.of(reason, message));
    }
}
