package io.pulse.serving.caller;

import io.pulse.serving.security.Permission;
import java.util.Set;

/**
 * Who is calling: the tenant every read and write is scoped to, taken from the verified credential and
 * never from a request parameter or body, and what its roles permit. Controllers declare it as a
 * parameter.
 */
public record Caller(String tenant, String subject, Set<Permission> permissions) {

    public Caller {
        permissions = Set.copyOf(permissions);
    }

    public boolean can(Permission permission) {
        return permissions.contains(permission);
    }
}
