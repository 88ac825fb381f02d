package io.pulse.serving.session;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.csrf.CsrfConfiguration;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.session.http.SessionForRequest;
import io.pulse.serving.caller.Caller;
import io.pulse.serving.security.Permission;
import java.util.List;

/**
 * Who the caller is and what it may do, for the dashboard to shape its screens; for a session, also the
 * CSRF token its writes must send (readable only by this site's own pages: CORS is closed).
 */
@Controller("/v2/session")
@Secured(SecurityRule.IS_AUTHENTICATED)
public class SessionController {

    @Serdeable
    public record Me(String subject, String tenant, List<String> roles, List<String> permissions,
                     @Nullable String csrfToken) { }

    private final CsrfConfiguration csrf;

    public SessionController(CsrfConfiguration csrf) {
        this.csrf = csrf;
    }

    @Get
    public Me me(HttpRequest<?> request, Caller caller, Authentication authentication) {
        String token = SessionAuthenticationFetcher.bySession(request) ? SessionForRequest.find(request)
                .flatMap(session -> session.get(csrf.getHttpSessionName(), String.class)).orElse(null) : null;
        return new Me(caller.subject(), caller.tenant(), authentication.getRoles().stream().sorted().toList(),
                caller.permissions().stream().map(Permission::code).sorted().toList(), token);
    }
}
