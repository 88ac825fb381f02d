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
        Optional<Rejection> name = checkName("tenant", event.tenant())
                .or(() -> checkName("metric", event.metric()));
        if (name.isPresent()) {
            return name;
        }
        if (!Double.isFinite(event.value())) {
            return reject(RejectReason.INVALID_VALUE, "value must be a finite number");
        }
        long age = nowMillis - event.timestamp();
        if (age > limits.maxPastSkew().toMillis()) {
            return reject(RejectReason.TIMESTAMP_TOO_OLD,
                    "timestamp is more than " + limits.maxPastSkew() + " in the past");
        }
        if (-age > limits.maxFutureSkew().toMillis()) {
            return reject(RejectReason.TIMESTAMP_IN_FUTURE,
                    "timestamp is more than " + limits.maxFutureSkew() + " in the future");
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
            if (hasControlCharacter(value)) {
                return reject(RejectReason.INVALID_DIMENSION,
                        "dimension '" + dimension.getKey() + "' contains a control character");
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

    private static boolean hasControlCharacter(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static Optional<Rejection> reject(RejectReason reason, String message) {
        return Optional.of(Rejection.of(reason, message));
    }
}
