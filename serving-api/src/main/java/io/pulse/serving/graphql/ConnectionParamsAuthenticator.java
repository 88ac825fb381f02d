package io.pulse.serving.graphql;

import io.micronaut.http.HttpRequest;
import io.micronaut.security.token.validator.TokenValidator;
import io.pulse.serving.caller.Caller;
import io.pulse.serving.caller.CallerBinder;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.Flux;

/**
 * Authenticates a graphql-ws connection from its {@code connection_init} payload, where browser clients
 * put credentials because a browser cannot set headers on a WebSocket upgrade: {@code Authorization}
 * (or {@code authorization}) holding {@code Bearer <token>}. The token goes through the same validators
 * as a bearer header (signature from the provider's JWKS, issuer, audience, expiry, not-before).
 */
@Singleton
class ConnectionParamsAuthenticator {

    private final Collection<TokenValidator<HttpRequest<?>>> validators;

    ConnectionParamsAuthenticator(Collection<TokenValidator<HttpRequest<?>>> validators) {
        this.validators = validators;
    }

    /** The caller the payload's token stands for; empty when it carries none, or none that is valid. */
    CompletableFuture<Optional<Caller>> authenticate(Map<?, ?> payload, HttpRequest<?> upgrade) {
        Object header = payload.containsKey("Authorization") ? payload.get("Authorization") : payload.get("authorization");
        if (!(header instanceof String value) || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        String token = value.substring(7).trim();
        return Flux.fromIterable(validators).concatMap(validator -> validator.validateToken(token, upgrade)).next()
                .map(CallerBinder::validCaller).defaultIfEmpty(Optional.empty()).toFuture();
    }
}
