package io.pulse.serving.apikeys;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;
import io.pulse.serving.caller.Caller;
import io.pulse.serving.errors.ClientError;
import io.pulse.serving.security.Permission;
import io.pulse.serving.security.RequiresPermission;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * API keys of the caller's tenant, for tenant admins ({@code apikeys:manage}): create (the key is in the
 * answer once, never again), list, revoke. A key gets at most its creator's permissions.
 */
@Controller("/v2/api-keys")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
public class ApiKeyController {

    @Serdeable
    public record NewApiKey(@NotBlank @Size(max = 100) @Pattern(regexp = "[\\p{L}\\p{N} ._-]+") String name,
                            @NotEmpty @Size(max = 20) List<String> permissions) { }

    @Serdeable
    public record ApiKeysPage(List<ApiKeys.ApiKey> items) { }

    private final ApiKeys keys;

    public ApiKeyController(ApiKeys keys) {
        this.keys = keys;
    }

    @Post
    @RequiresPermission(Permission.APIKEYS_MANAGE)
    public HttpResponse<ApiKeys.CreatedApiKey> create(Caller caller, @Valid @Body NewApiKey request) {
        Set<Permission> permissions = EnumSet.noneOf(Permission.class);
        for (String code : request.permissions()) {
            permissions.add(Permission.ofCode(code).orElseThrow(() -> new ClientError(
                    HttpStatus.BAD_REQUEST.getCode(), "permissions: unknown permission; see docs/security.md")));
        }
        if (!caller.permissions().containsAll(permissions)) {
            throw new ClientError(HttpStatus.FORBIDDEN.getCode(),
                    "permissions: a key cannot have a permission its creator lacks");
        }
        ApiKeys.CreatedApiKey created = keys.create(caller.tenant(), caller.subject(), request.name(), permissions);
        return HttpResponse.created(created, URI.create("api-keys/" + created.apiKey().id()));
    }

    @Get
    @RequiresPermission(Permission.APIKEYS_MANAGE)
    public ApiKeysPage list(Caller caller) {
        return new ApiKeysPage(keys.list(caller.tenant()));
    }

    @Delete("/{id}")
    @RequiresPermission(Permission.APIKEYS_MANAGE)
    public HttpResponse<Void> revoke(Caller caller, @PathVariable UUID id) {
        if (!keys.revoke(caller.tenant(), id)) {
            throw new ClientError(HttpStatus.NOT_FOUND.getCode(), "no such API key");
        }
        return HttpResponse.noContent();
    }
}
