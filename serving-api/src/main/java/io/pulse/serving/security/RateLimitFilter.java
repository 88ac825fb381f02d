package io.pulse.serving.security;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.FilterPatternStyle;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.web.router.RouteAttributes;
import io.pulse.serving.caller.CallerBinder;
import io.pulse.serving.query.Csv;
import io.pulse.serving.security.RateLimitBuckets.Decision;
import io.pulse.serving.security.RateLimitBuckets.Measured;
import io.pulse.serving.security.RateLimitSettings.RouteClass;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Counts each request against its caller's bucket and its client IP's bucket for the route's class
 * (Bucket4j, kept in Redis so all instances share them). Answers carry {@code RateLimit-Limit},
 * {@code RateLimit-Remaining} and {@code RateLimit-Reset} of the tighter bucket; an exhausted bucket
 * gets 429 with {@code Retry-After}. Runs after authentication, so the caller is known.
 */
// WebSocket upgrades are left out: offloading their filter chain to the blocking pool races the socket's
// open handler (frames were lost); connection and message limits for streams come separately
@ServerFilter(value = "^(?!/v1/stream$|/graphql-ws$).*", patternStyle = FilterPatternStyle.REGEX)
@Requires(property = "pulse.rate-limit.enabled", notEquals = "false")
public class RateLimitFilter implements Ordered {

    private static final String PROBE = RateLimitFilter.class.getName() + ".probe";

    private final RateLimitBuckets buckets;
    private final ClientAddress clientAddress;

    public RateLimitFilter(RateLimitBuckets buckets, ClientAddress clientAddress) {
        this.buckets = buckets;
        this.clientAddress = clientAddress;
    }

    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING) // waits for Redis: not on the event loop
    public @Nullable HttpResponse<?> limit(HttpRequest<?> request) {
        Optional<Authentication> caller = request.getUserPrincipal(Authentication.class);
        Decision decision = buckets.take(routeClass(request), clientAddress.of(request),
                // a tenant claim that is no string (a list, say) is no tenant: the caller is refused later
                caller.map(c -> c.getAttributes().get(CallerBinder.TENANT_CLAIM) instanceof String t ? t : null)
                        .orElse(null),
                caller.map(Authentication::getName).orElse(null)).join();
        request.setAttribute(PROBE, decision.measured());
        if (decision.allowed()) {
            return null;
        }
        MutableHttpResponse<?> tooMany = HttpResponse.status(HttpStatus.TOO_MANY_REQUESTS).header("Retry-After",
                Long.toString(seconds(decision.measured().probe().getNanosToWaitForRefill())));
        setHeaders(tooMany, decision.measured()); // the response filter does not see an answer given here
        return tooMany;
    }

    @ResponseFilter
    public void headers(HttpRequest<?> request, MutableHttpResponse<?> response) {
        request.getAttribute(PROBE, Measured.class).ifPresent(measured -> setHeaders(response, measured));
    }

    private static void setHeaders(MutableHttpResponse<?> response, Measured measured) {
        response.getHeaders().set("RateLimit-Limit", Long.toString(measured.limit()));
        response.getHeaders().set("RateLimit-Remaining", Long.toString(Math.max(0, measured.probe().getRemainingTokens())));
        response.getHeaders().set("RateLimit-Reset", Long.toString(seconds(measured.probe().getNanosToWaitForReset())));
    }

    /** Login and logout, ingest, CSV exports and everything else (reads, dashboard writes) count apart. */
    private static RouteClass routeClass(HttpRequest<?> request) {
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

    private static long seconds(long nanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(nanos + 999_999_999L));
    }

    /** After authentication (the caller must be known), before the route runs. */
    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.after();
    }
}
