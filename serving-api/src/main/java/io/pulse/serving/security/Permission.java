package io.pulse.serving.security;

import java.util.Arrays;
import java.util.Optional;

/** What a caller may do; roles grant sets of these ({@link Role}), routes and fields require one. */
public enum Permission {
    METRICS_READ("metrics:read"),
    DASHBOARDS_READ("dashboards:read"),
    DASHBOARDS_WRITE("dashboards:write"),
    EXPORTS_CREATE("exports:create"),
    EVENTS_WRITE("events:write"),
    APIKEYS_MANAGE("apikeys:manage"),
    JOBS_READ("jobs:read"),
    JOBS_MANAGE("jobs:manage"),
    TENANT_ADMIN("tenant:admin");

    private final String code;

    Permission(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static Optional<Permission> ofCode(String code) {
        return Arrays.stream(values()).filter(permission -> permission.code.equals(code)).findFirst();
    }
}
