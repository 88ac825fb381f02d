package io.pulse.serving.session;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.authentication.AuthenticationResponse;
import io.micronaut.security.config.RedirectConfiguration;
import io.micronaut.security.csrf.CsrfConfiguration;
import io.micronaut.security.csrf.generator.CsrfTokenGenerator;
import io.micronaut.security.handlers.RedirectingLoginHandler;
import io.micronaut.session.Session;
import io.micronaut.session.SessionStore;
import io.micronaut.session.http.SessionForRequest;
import io.pulse.serving.caller.CallerBinder;
import jakarta.inject.Singleton;
import java.net.URI;
import java.util.List;

/**
 * After a successful OIDC login: a new server-side session (never the one the browser had before, so a
 * planted session id is worthless) holding the user and a CSRF token, then back to the dashboard.
 */
@Singleton
public class SessionLoginHandler implements RedirectingLoginHandler<HttpRequest<?>, MutableHttpResponse<?>> {

    static final String USER = "pulse.user";

    private final SessionStore<Session> sessions;
    private final CsrfTokenGenerator<HttpRequest<?>> csrfTokens;
    private final CsrfConfiguration csrf;
    private final RedirectConfiguration redirects;

    public SessionLoginHandler(SessionStore<Session> sessions, CsrfTokenGenerator<HttpRequest<?>> csrfTokens,
                               CsrfConfiguration csrf, RedirectConfiguration redirects) {
        this.sessions = sessions;
        this.csrfTokens = csrfTokens;
        this.csrf = csrf;
        this.redirects = redirects;
    }

    @Override
    public MutableHttpResponse<?> loginSuccess(Authentication authentication, HttpRequest<?> request) {
        SessionForRequest.find(request).ifPresent(old -> sessions.deleteSession(old.getId()));
        Session session = SessionForRequest.create(sessions, request);
        session.put(USER, new SessionUser(authentication.getName(),
                (String) authentication.getAttributes().get(CallerBinder.TENANT_CLAIM),
                List.copyOf(authentication.getRoles()),
                (String) authentication.getAttributes().get(OidcAuthenticationMapper.PROVIDER),
                (String) authentication.getAttributes().get(OidcAuthenticationMapper.ID_TOKEN)));
        session.put(csrf.getHttpSessionName(), csrfTokens.generateCsrfToken(request));
        return HttpResponse.seeOther(URI.create(redirects.getLoginSuccess()));
    }

    @Override
    public MutableHttpResponse<?> loginRefresh(Authentication authentication, String refreshToken,
                                               HttpRequest<?> request) {
        return loginSuccess(authentication, request);
    }

    @Override
    public MutableHttpResponse<?> loginFailed(AuthenticationResponse failure, HttpRequest<?> request) {
        return HttpResponse.seeOther(URI.create(redirects.getLoginFailure()));
    }
}
