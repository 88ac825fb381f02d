package io.pulse.serving;

import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeIn;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

/** The serving tier: history queries over the rollup tables, dashboards, ingest, API keys, logins. */
@OpenAPIDefinition(info = @Info(title = "pulse", version = "v2",
        description = "Pulse history, dashboards and ingest API (/v1 deprecated, /v2 current)"),
        security = {@SecurityRequirement(name = "bearer"), @SecurityRequirement(name = "apiKey"),
            @SecurityRequirement(name = "session")})
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT",
        description = "An access token of the OIDC provider (docs/security.md)")
@SecurityScheme(name = "apiKey", type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.HEADER,
        paramName = "X-API-Key", description = "A tenant's API key, with the key's permissions")
@SecurityScheme(name = "session", type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.COOKIE,
        paramName = "PULSE_SESSION", description = "The dashboard's session after /oauth/login/pulse; changes"
        + " also need X-CSRF-TOKEN from GET /v2/session")
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        Micronaut.run(Application.class, args);
    }
}
