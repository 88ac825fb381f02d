package io.pulse.serving.security;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The one role → permission table (docs/security.md shows it; a test keeps the two equal). A caller's
 * roles come from its token's {@code roles} claim; names that are not roles here grant nothing.
 */
public enum Role {
    VIEWER(EnumSet.of(Permission.METRICS_READ, Permission.DASHBOARDS_READ)),
    ANALYST(EnumSet.of(Permission.METRICS_READ, Permission.DASHBOARDS_READ, Permission.EXPORTS_CREATE)),
    EDITOR(EnumSet.of(Permission.METRICS_READ, Permission.DASHBOARDS_READ, Permission.EXPORTS_CREATE,
            Permission.DASHBOARDS_WRITE)),
    ADMIN(EnumSet.of(Permission.METRICS_READ, Permission.DASHBOARDS_READ, Permission.EXPORTS_CREATE,
            Permission.DASHBOARDS_WRITE, Permission.EVENTS_WRITE, Permission.APIKEYS_MANAGE, Permission.JOBS_READ,
            Permission.TENANT_ADMIN)),
    OPS(EnumSet.of(Permission.METRICS_READ, Permission.JOBS_READ, Permission.JOBS_MANAGE)),
    /** For ingest-only credentials: may send events, nothing else. */
    INGEST(EnumSet.of(Permission.EVENTS_WRITE));

    private final Set<Permission> permissions;

    Role(Set<Permission> permissions) {
        this.permissions = Set.copyOf(permissions);
    }

    public Set<Permission> permissions() {
        return permissions;
    }

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The permissions all of {@code roleNames} grant together. */
    public static Set<Permission> permissionsOf(Collection<String> roleNames) {
        Set<Permission> granted = EnumSet.noneOf(Permission.class);
        for (Role role : values()) {
            if (roleNames.contains(role.code())) {
                granted.addAll(role.permissions);
            }
        }
        return granted;
    }
}
