package io.pulse.serving.security;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Positive;

/**
 * Request rate limits ({@code pulse.rate-limit.*}), per minute, for each route class: per caller (the
 * token's tenant and subject) and per client IP. Kept in Redis, so every instance counts the same.
 */
@ConfigurationProperties("pulse.rate-limit")
public record RateLimitSettings(@Bindable(defaultValue = "true") boolean enabled,
                                @Bindable(defaultValue = "3000") @Positive long queryPerCaller,
                                @Bindable(defaultValue = "12000") @Positive long queryPerIp,
                                @Bindable(defaultValue = "12000") @Positive long ingestPerCaller,
                                @Bindable(defaultValue = "24000") @Positive long ingestPerIp,
                                @Bindable(defaultValue = "600") @Positive long streamPerCaller,
                                @Bindable(defaultValue = "6000") @Positive long streamPerIp) {

    /** Which limits a request counts against. */
    public enum RouteClass { QUERY, INGEST, STREAM }

    long perCaller(RouteClass routeClass) {
        return switch (routeClass) {
            case QUERY -> queryPerCaller;
            case INGEST -> ingestPerCaller;
            case STREAM -> streamPerCaller;
        };
    }

    long perIp(RouteClass routeClass) {
        return switch (routeClass) {
            case QUERY -> queryPerIp;
            case INGEST -> ingestPerIp;
            case STREAM -> streamPerIp;
        };
    }
}
