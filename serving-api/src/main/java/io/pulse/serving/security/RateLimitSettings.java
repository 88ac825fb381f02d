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
                                @Bindable(defaultValue = "120") @Positive long exportPerCaller,
                                @Bindable(defaultValue = "600") @Positive long exportPerIp,
                                @Bindable(defaultValue = "60") @Positive long authPerIp,
                                @Bindable(defaultValue = "60") @Positive long websocketPerCaller,
                                @Bindable(defaultValue = "600") @Positive long websocketPerIp,
                                @Bindable(defaultValue = "20") @Positive long websocketMessagesPerSecond,
                                @Bindable(defaultValue = "30") @Positive long failedAuthPerIp) {

    /**
     * Which limits a request counts against. {@code FAILED_AUTH} counts answers of 401 (no credentials, or
     * credentials that did not authenticate) per client address.
     */
    public enum RouteClass { QUERY, INGEST, EXPORT, AUTH, WEBSOCKET, FAILED_AUTH }

    /** Login and logout happen before there is a caller: they count per IP only. */
    long perCaller(RouteClass routeClass) {
        return switch (routeClass) {
            case QUERY -> queryPerCaller;
            case INGEST -> ingestPerCaller;
            case EXPORT -> exportPerCaller;
            case AUTH -> authPerIp;
            case WEBSOCKET -> websocketPerCaller;
            case FAILED_AUTH -> failedAuthPerIp;
        };
    }

    long perIp(RouteClass routeClass) {
        return switch (routeClass) {
            case QUERY -> queryPerIp;
            case INGEST -> ingestPerIp;
            case EXPORT -> exportPerIp;
            case AUTH -> authPerIp;
            case WEBSOCKET -> websocketPerIp;
            case FAILED_AUTH -> failedAuthPerIp;
        };
    }
}
