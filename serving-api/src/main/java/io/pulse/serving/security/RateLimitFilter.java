package io.pulse.serving.security;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.FilterContinuation;
import io.micronaut.http.filter.FilterPatternStyle;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.web.router.RouteAttributes;
import io.pulse.serving.caller.CallerBinder;
import io.pulse.serving.query.Csv;
import io.pulse.serving.security.RateLimitSettings.RouteClass;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Counts each authenticated request against its caller's bucket (tenant and subject) for the route's
 * class, after {@link AddressRateLimitFilter} counted it against its client IP's. Buckets live in Redis
 * (Bucket4j), so all instances share them; an exhausted bucket gets 429 with {@code Retry-After}.
 */
// WebSocket upgrades are left out: SocketLimits counts them when the connection opens
@ServerFilter(value = "^(?!/v1/stream$|/graphql-ws$).*", patternStyle = FilterPatternStyle.REGEX)
@Requires(property = "pulse.rate-limit.enabled", notEquals = "false")
public class RateLimitFilter implements Ordered {

    private final RateLimitBuckets buckets;
    private final RateLimitResponses responses;

    RateLimitFilter(RateLimitBuckets buckets, RateLimitResponses responses) {
        this.buckets = buckets;
        this.responses = responses;
    }

    @RequestFilter
    public Publisher<MutableHttpResponse<?>> limit(HttpRequest<?> request,
                                                   FilterContinuation<Publisher<MutableHttpResponse<?>>> chain) {
        Authentication caller = request.getUserPrincipal(Authentication.class).orElse(null);
        if (caller == null) {
            return chain.proceed();
        }
        // a tenant claim that is no string (a list, say) is no tenant: the caller is refused later
        String tenant = caller.getAttributes().get(CallerBinder.TENANT_CLAIM) instanceof String t ? t : null;
        return Mono.fromFuture(buckets.takeByCaller(routeClass(request), tenant, caller.getName())).flatMap(measured -> {
            request.setAttribute(RateLimitResponses.BY_CALLER, measured);
            return measured.probe().isConsumed() ? Mono.from(chain.proceed()) : Mono.just(responses.tooMany(request, measured, RateLimitMetrics.Limit.CALLER));
        });
    }

    /** Login and logout, ingest, CSV exports and everything else (reads, dashboard writes) count apart. */
    static RouteClass routeClass(HttpRequest<?> request) {
        String path = request.getPath();
        if (path.startsWith("/oauth/") || path.equals("/logout")) {
            return RouteClass.AUTH;
        }
        boolean ingest = RouteAttributes.getRouteMatch(request)
                .flatMap(route -> route.getAnnotationMetadata().enumValue(RequiresPermission.class, Permission.class))
                .filter(Permission.EVENTS_WRITE::equals).isPresent();
        if (ingest) {
            return RouteClass.INGEST;
        }
        return Csv.requested(request, request.getParameters().get("format")) ? RouteClass.EXPORT : RouteClass.QUERY;
    }

    /** After authentication (the caller must be known), before the route runs. */
    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.after();
    }
}
