package io.pulse.serving.session;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.security.authentication.AuthenticationResponse;
import io.micronaut.security.oauth2.endpoint.authorization.state.State;
import io.micronaut.security.oauth2.endpoint.token.response.DefaultOpenIdAuthenticationMapper;
import io.micronaut.security.oauth2.endpoint.token.response.OpenIdAuthenticationMapper;
import io.micronaut.security.oauth2.endpoint.token.response.OpenIdClaims;
import io.micronaut.security.oauth2.endpoint.token.response.OpenIdTokenResponse;
import io.pulse.serving.caller.CallerBinder;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * A login's user from its ID token: subject, the {@code tenant} and {@code roles} claims (the same claims
 * bearer tokens carry), and the ID token itself for logout at the provider.
 */
@Singleton
@Replaces(DefaultOpenIdAuthenticationMapper.class)
public class OidcAuthenticationMapper implements OpenIdAuthenticationMapper {

    static final String PROVIDER = "oauth2Provider";
    static final String ID_TOKEN = "pulseIdToken";

    @Override
    public Publisher<AuthenticationResponse> createAuthenticationResponse(String providerName,
            OpenIdTokenResponse tokenResponse, OpenIdClaims claims, @Nullable State state) {
        Object tenant = claims.get(CallerBinder.TENANT_CLAIM);
        if (!(tenant instanceof String) || claims.getSubject() == null) {
            return Mono.just(AuthenticationResponse.failure("the identity provider gave no tenant for this user"));
        }
        List<String> roles = claims.get("roles") instanceof List<?> listed
                ? listed.stream().map(String::valueOf).toList() : List.of();
        return Mono.just(AuthenticationResponse.success(claims.getSubject(), roles, Map.of(
                CallerBinder.TENANT_CLAIM, tenant, PROVIDER, providerName, ID_TOKEN, tokenResponse.getIdToken())));
    }
}
