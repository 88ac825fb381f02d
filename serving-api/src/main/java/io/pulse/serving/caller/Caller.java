package io.pulse.serving.caller;

import io.pulse.serving.security.Permission;
import java.security.Principal;
import java.util.Set;

/**
 * Who is calling: the tenant every read and write is scoped to, taken from the verified credential and
 * never from a request parameter or body, and what its roles permit. Controllers declare it as a
 * parameter. A {@link Principal}: bound from the credential, so the generated OpenAPI document leaves it
 * out of each route's parameters.
 */
public record Caller(String tenant, String subject, Set<Permission> permissions) implements Principal {

    public Caller {
        permissions = Set.copyOf(permissions);
    }

    @Override
    public String getName() {
        return subject;
    }

    public boolean can(Permission permission) {
        return permissions.contains(permission);
    }
}
