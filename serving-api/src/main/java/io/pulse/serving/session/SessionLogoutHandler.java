package io.pulse.serving.session;

import io.micronaut.context.BeanContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.util.HttpHostResolver;
import io.micronaut.http.uri.UriBuilder;
import io.micronaut.inject.qualifiers.Qualifiers;
import io.micronaut.security.config.RedirectConfiguration;
import io.micronaut.security.handlers.LogoutHandler;
import io.micronaut.security.oauth2.client.OpenIdProviderMetadata;
import io.micronaut.security.oauth2.configuration.OauthClientConfiguration;
import io.micronaut.session.Session;
import io.micronaut.session.SessionStore;
import io.micronaut.session.http.SessionForRequest;
import jakarta.inject.Singleton;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code POST /logout} ({@link LogoutController}, CSRF-checked like every session-cookie write) does: ends the
 * session here first, then sends the browser to the provider's end-session endpoint with the ID token as
 * hint, so the provider's session ends too and it sends the browser back to {@code redirect.logout}.
 * A page's {@code fetch} asking for JSON gets that address as {@code {"redirect": …}} instead of a 303:
 * fetch would follow the redirect to the provider's origin, which the page's CSP does not let it reach.
 */
@Singleton
public class SessionLogoutHandler implements LogoutHandler<HttpRequest<?>, MutableHttpResponse<?>> {

    private final SessionStore<Session> sessions;
    private final BeanContext beans;
    private final RedirectConfiguration redirects;
    private final HttpHostResolver hosts;

    public SessionLogoutHandler(SessionStore<Session> sessions, BeanContext beans, RedirectConfiguration redirects,
                                HttpHostResolver hosts) {
        this.sessions = sessions;
        this.beans = beans;
        this.redirects = redirects;
        this.hosts = hosts;
    }

    @Override
    public MutableHttpResponse<?> logout(HttpRequest<?> request) {
        Optional<Session> session = SessionForRequest.find(request);
        Optional<SessionUser> user = session.flatMap(s -> s.get(SessionLoginHandler.USER, SessionUser.class));
        session.ifPresent(s -> {
            s.clear();
            sessions.deleteSession(s.getId());
        });
        String back = hosts.resolve(request) + redirects.getLogout();
        URI next = user.flatMap(u -> endSession(u, back)).orElse(URI.create(redirects.getLogout()));
        boolean page = request.accept().stream().anyMatch(type -> type.getName().equals(MediaType.APPLICATION_JSON));
        return page ? HttpResponse.ok(Map.of("redirect", next.toString())) : HttpResponse.seeOther(next);
    }

    /** The provider's end-session URL for this user, when it has one. */
    private Optional<URI> endSession(SessionUser user, String back) {
        Optional<OpenIdProviderMetadata> provider =
                beans.findBean(OpenIdProviderMetadata.class, Qualifiers.byName(user.provider()));
        Optional<OauthClientConfiguration> client =
                beans.findBean(OauthClientConfiguration.class, Qualifiers.byName(user.provider()));
        if (provider.isEmpty() || client.isEmpty() || provider.get().getEndSessionEndpoint() == null) {
            return Optional.empty();
        }
        return Optional.of(UriBuilder.of(provider.get().getEndSessionEndpoint())
                .queryParam("id_token_hint", user.idToken())
                .queryParam("client_id", client.get().getClientId())
                .queryParam("post_logout_redirect_uri", back)
                .build());
    }
}
