package io.pulse.serving.session;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Hidden;

/**
 * {@code POST /logout}, with any body or none: a browser's {@code fetch('/logout', {method: 'POST'})}
 * sends no Content-Type, which Micronaut's own logout route (form or JSON only) did not match. The CSRF
 * token is checked by {@link CsrfGuard} as for every session-cookie write.
 */
@Hidden // part of the browser login flow, documented in docs/security.md with Micronaut's login routes
@Controller("/logout")
@Secured(SecurityRule.IS_ANONYMOUS)
public class LogoutController {

    private final SessionLogoutHandler logout;

    public LogoutController(SessionLogoutHandler logout) {
        this.logout = logout;
    }

    @Post
    @Consumes(MediaType.ALL)
    public MutableHttpResponse<?> logout(HttpRequest<?> request) {
        return logout.logout(request);
    }
}
