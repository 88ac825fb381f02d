package io.pulse.serving.session;

import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.pulse.serving.caller.CallerBinder;
import java.util.List;
import java.util.Map;

/**
 * Who a browser session belongs to, kept server-side (in Redis) under the session id; the browser holds
 * only the id, in an HttpOnly cookie. The ID token stays here for the provider's logout.
 */
@Serdeable // the session store keeps it as JSON
public record SessionUser(String subject, String tenant, List<String> roles, String provider, String idToken) {

    public SessionUser {
        roles = List.copyOf(roles);
    }

    public Authentication authentication() {
        return Authentication.build(subject, roles, Map.of(CallerBinder.TENANT_CLAIM, tenant));
    }
}
