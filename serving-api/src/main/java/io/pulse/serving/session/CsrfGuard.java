package io.pulse.serving.session;

import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.http.server.util.HttpHostResolver;
import io.micronaut.security.csrf.resolver.CsrfTokenResolver;
import io.micronaut.security.csrf.validator.CsrfTokenValidator;
import io.pulse.serving.errors.ClientError;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Requests that only the session cookie vouches for (a browser would send it along on a forged
 * cross-site request): writes must carry the session's CSRF token in {@code X-CSRF-TOKEN} (checked with
 * micronaut-security-csrf's validator), WebSocket upgrades must come from this server's own origin.
 * Bearer-token and API-key requests carry their credential explicitly and are not affected.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class CsrfGuard implements Ordered {

    private static final Set<HttpMethod> WRITES = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
            HttpMethod.DELETE);

    private final List<CsrfTokenResolver<HttpRequest<?>>> resolvers;
    private final CsrfTokenValidator<HttpRequest<?>> validator;
    private final HttpHostResolver hosts;

    public CsrfGuard(List<CsrfTokenResolver<HttpRequest<?>>> resolvers, CsrfTokenValidator<HttpRequest<?>> validator,
                     HttpHostResolver hosts) {
        this.resolvers = resolvers;
        this.validator = validator;
        this.hosts = hosts;
    }

    @RequestFilter
    public void check(HttpRequest<?> request) {
        if (!SessionAuthenticationFetcher.bySession(request)) {
            return;
        }
        if ("websocket".equalsIgnoreCase(request.getHeaders().get("Upgrade"))) {
            String origin = request.getHeaders().get("Origin");
            if (origin == null || !origin.equals(hosts.resolve(request))) {
                throw new ClientError(HttpStatus.FORBIDDEN.getCode(), "a WebSocket opened with the session cookie"
                        + " must come from this site");
            }
            return;
        }
        if (WRITES.contains(request.getMethod()) && !validToken(request)) {
            throw new ClientError(HttpStatus.FORBIDDEN.getCode(), "a change made with the session cookie needs"
                    + " the session's CSRF token in X-CSRF-TOKEN");
        }
    }

    private boolean validToken(HttpRequest<?> request) {
        return resolvers.stream().map(resolver -> resolver.resolveToken(request)).flatMap(Optional::stream)
                .anyMatch(token -> validator.validateCsrfToken(request, token));
    }

    /** After authentication (the fetchers mark session requests), before the route. */
    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.after();
    }
}
