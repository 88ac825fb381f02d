package io.pulse.serving.security;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;

/**
 * Headers on every response, errors and static files included: a strict Content-Security-Policy (no
 * inline script, no framing), no MIME sniffing, no referrer; HSTS on answers over TLS. The policy is configurable
 * ({@code pulse.http.content-security-policy}) only so the dev environment can serve GraphiQL.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class SecurityHeaders implements Ordered {

    public static final String STRICT_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private final String contentSecurityPolicy;

    public SecurityHeaders(@Value("${pulse.http.content-security-policy:}") String configuredPolicy) {
        this.contentSecurityPolicy = configuredPolicy.isBlank() ? STRICT_POLICY : configuredPolicy;
    }

    /** Outermost, so responses that other filters end early (401, 403) get the headers too. */
    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.before();
    }

    @ResponseFilter
    public void addHeaders(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (request.isSecure()) {
            response.header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
        }
        response.header("Content-Security-Policy", contentSecurityPolicy);
        response.header("X-Content-Type-Options", "nosniff");
        response.header("X-Frame-Options", "DENY");
        response.header("Referrer-Policy", "no-referrer");
    }
}
