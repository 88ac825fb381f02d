package io.pulse.serving.security;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.FilterContinuation;
import io.micronaut.http.filter.FilterPatternStyle;
import io.micronaut.http.filter.ServerFilterPhase;
import java.time.Duration;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts every request against its client IP's bucket for the route's class before authentication runs,
 * so requests without credentials or with wrong ones count too, and before any credential lookup (an
 * API key is a database read). Answers of 401 also count against the IP's failed-authentication bucket;
 * once it is dry the IP gets 429 here, without a lookup, until it refills.
 */
// WebSocket upgrades are left out: SocketLimits counts them when the connection opens
@ServerFilter(value = "^(?!/v1/stream$|/graphql-ws$).*", patternStyle = FilterPatternStyle.REGEX)
@Requires(property = "pulse.rate-limit.enabled", notEquals = "false")
public class AddressRateLimitFilter implements Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(AddressRateLimitFilter.class);

    private final RateLimitBuckets buckets;
    private final ClientAddress clientAddress;
    private final RateLimitResponses responses;

    AddressRateLimitFilter(RateLimitBuckets buckets, ClientAddress clientAddress, RateLimitResponses responses) {
        this.buckets = buckets;
        this.clientAddress = clientAddress;
        this.responses = responses;
    }

    @RequestFilter
    public Publisher<MutableHttpResponse<?>> limit(HttpRequest<?> request,
                                                   FilterContinuation<Publisher<MutableHttpResponse<?>>> chain) {
        String ip = clientAddress.of(request);
        Duration failing = buckets.refusedForFailures(ip);
        if (failing != null) {
            return Mono.just(responses.tooMany(request, failing,
                    "too many requests that failed authentication from this address", RateLimitMetrics.Limit.FAILED_AUTH));
        }
        return Mono.fromFuture(buckets.takeByAddress(RateLimitFilter.routeClass(request), ip)).flatMap(measured -> {
            request.setAttribute(RateLimitResponses.BY_ADDRESS, measured);
            return measured.probe().isConsumed() ? Mono.from(chain.proceed()) : Mono.just(responses.tooMany(request, measured, RateLimitMetrics.Limit.ADDRESS));
        });
    }

    /**
     * Counts a 401 against the address before the answer leaves, so a client cannot send its next guess
     * before the last one is counted.
     */
    @ResponseFilter
    public Publisher<MutableHttpResponse<?>> afterwards(HttpRequest<?> request, MutableHttpResponse<?> response) {
        RateLimitResponses.setHeaders(request, response);
        if (response.code() != HttpStatus.UNAUTHORIZED.getCode()) {
            return Mono.just(response);
        }
        return Mono.fromFuture(buckets.recordFailedAuthentication(clientAddress.of(request)))
                .onErrorResume(e -> {
                    LOG.warn("failed authentication not counted", e);
                    return Mono.empty();
                })
                .then(Mono.just(response));
    }

    /** Before authentication: nothing about the caller is known or looked up yet. */
    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.before();
    }
}
