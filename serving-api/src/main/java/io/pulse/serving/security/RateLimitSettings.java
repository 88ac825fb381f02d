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
                                @Bindable(defaultValue = "24000") @Positive long ingestPerIp) {

    /** Which limits a request counts against. */
    public enum RouteClass { QUERY, INGEST }

    long perCaller(RouteClass routeClass) {
        return switch (routeClass) {
            case QUERY -> queryPerCaller;
            case INGEST -> ingestPerCaller;
        };
    }

    long perIp(RouteClass routeClass) {
        return switch (routeClass) {
            case QUERY -> queryPerIp;
            case INGEST -> ingestPerIp;
        };
    }
}
