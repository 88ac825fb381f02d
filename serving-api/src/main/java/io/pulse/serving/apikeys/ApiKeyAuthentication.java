package io.pulse.serving.apikeys;

import io.micronaut.security.authentication.Authentication;
import io.pulse.serving.caller.CallerBinder;
import io.pulse.serving.security.Permission;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A request authenticated by an API key: the key's tenant and exactly the permissions it was created
 * with (no roles). A type of its own, so no token claim can pass for a key's permission list.
 */
public record ApiKeyAuthentication(UUID keyId, String tenant, Set<Permission> permissions) implements Authentication {

    public ApiKeyAuthentication {
        permissions = Set.copyOf(permissions);
    }

    /** Rate limits and logs count a key as its own caller. */
    @Override
    public String getName() {
        return "apikey:" + keyId;
    }

    @Override
    public Collection<String> getRoles() {
        return List.of();
    }

    @Override
    public Map<String, Object> getAttributes() {
        return Map.of(CallerBinder.TENANT_CLAIM, tenant);
    }
}
