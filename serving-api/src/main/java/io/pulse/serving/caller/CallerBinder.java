package io.pulse.serving.caller;

import io.micronaut.core.convert.ArgumentConversionContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.bind.binders.TypedRequestArgumentBinder;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.authentication.AuthorizationException;
import io.pulse.contracts.event.EventLimits;
import io.pulse.serving.apikeys.ApiKeyAuthentication;
import io.pulse.serving.security.Permission;
import io.pulse.serving.security.Role;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.Set;

/**
 * Binds {@link Caller} from the authenticated principal: its {@code tenant} claim must be a valid tenant
 * name, or the request is refused as forbidden.
 */
@Singleton
public class CallerBinder implements TypedRequestArgumentBinder<Caller> {

    public static final String TENANT_CLAIM = "tenant";

    @Override
    public Argument<Caller> argumentType() {
        return Argument.of(Caller.class);
    }

    @Override
    public BindingResult<Caller> bind(ArgumentConversionContext<Caller> context, HttpRequest<?> request) {
        Optional<Caller> caller = callerOf(request);
        return caller.isEmpty() ? BindingResult.unsatisfied() : () -> caller;
    }

    /** The authenticated caller of {@code request}; empty when anonymous, refused without a valid tenant. */
    public static Optional<Caller> callerOf(HttpRequest<?> request) {
        return request.getUserPrincipal(Authentication.class).map(CallerBinder::callerOf);
    }

    /** The caller {@code authentication} stands for; refused without a valid tenant. */
    public static Caller callerOf(Authentication authentication) {
        return validCaller(authentication).orElseThrow(() -> new AuthorizationException(authentication));
    }

    /** The caller {@code authentication} stands for; empty when its tenant claim is not a valid tenant name. */
    public static Optional<Caller> validCaller(Authentication authentication) {
        Object tenant = authentication.getAttributes().get(TENANT_CLAIM);
        if (!(tenant instanceof String name) || !EventLimits.DEFAULT.isValidName(name)) {
            return Optional.empty();
        }
        return Optional.of(new Caller(name, authentication.getName(), permissionsOf(authentication)));
    }

    /** An API key's own permissions; for a token or session, what its roles grant. */
    public static Set<Permission> permissionsOf(Authentication authentication) {
        return authentication instanceof ApiKeyAuthentication key ? key.permissions()
                : Role.permissionsOf(authentication.getRoles());
    }
}
