package io.pulse.serving.session;

import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.filters.AuthenticationFetcher;
import io.micronaut.session.http.SessionForRequest;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Authenticates a request by its session cookie (the session was read by micronaut-session's filter
 * before this runs). Marks the request, so the CSRF check knows the cookie is what vouched for it.
 */
@Singleton
public class SessionAuthenticationFetcher implements AuthenticationFetcher<HttpRequest<?>> {

    /** Request attribute: true when the session cookie authenticated the request. */
    public static final String BY_SESSION = SessionAuthenticationFetcher.class.getName() + ".bySession";

    @Override
    public Publisher<Authentication> fetchAuthentication(HttpRequest<?> request) {
        return Mono.justOrEmpty(SessionForRequest.find(request)
                .flatMap(session -> session.get(SessionLoginHandler.USER, SessionUser.class))
                .map(user -> {
                    request.setAttribute(BY_SESSION, true);
                    return user.authentication();
                }));
    }

    public static boolean bySession(HttpRequest<?> request) {
        return request.getAttribute(BY_SESSION, Boolean.class).orElse(false);
    }
}
