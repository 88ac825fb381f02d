package io.pulse.serving.dashboards;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.pulse.serving.security.Permission;
import io.pulse.serving.security.RequiresPermission;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;
import io.pulse.serving.caller.Caller;
import io.pulse.serving.errors.ClientError;
import jakarta.validation.Valid;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Dashboards of the caller's tenant, the same resource under /v1 and /v2 (errors and the list's shape
 * differ by version). Reads answer with an {@code ETag} of the version; an update must be based on the
 * current version, given in the body or as {@code If-Match}: a stale body version is 409, a stale
 * {@code If-Match} 412.
 */
@Controller
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING) // JDBC and Redis calls block: never on the network event loop
public class DashboardController {

    @Serdeable
    public record DashboardsV1(List<Dashboard> dashboards) { }

    @Serdeable
    public record DashboardsPage(List<Dashboard> items, @Nullable String nextCursor) { }

    private static final int V1_LIST_LIMIT = 1_000;

    private final DashboardService dashboards;

    public DashboardController(DashboardService dashboards) {
        this.dashboards = dashboards;
    }

    @Post(uris = {"/v1/dashboards", "/v2/dashboards"})
    @RequiresPermission(Permission.DASHBOARDS_WRITE)
    public HttpResponse<Dashboard> create(Caller caller, @Valid @Body Dashboard dashboard) {
        Dashboard created = dashboards.create(caller.tenant(), dashboard);
        return HttpResponse.created(created, URI.create("dashboards/" + created.id())).header("ETag", etag(created));
    }

    @Get(uris = {"/v1/dashboards/{id}", "/v2/dashboards/{id}"})
    @RequiresPermission(Permission.DASHBOARDS_READ)
    public HttpResponse<Dashboard> read(Caller caller, @PathVariable UUID id) {
        Dashboard dashboard = dashboards.find(caller.tenant(), id).orElseThrow(DashboardController::notFound);
        return HttpResponse.ok(dashboard).header("ETag", etag(dashboard));
    }

    @Put(uris = {"/v1/dashboards/{id}", "/v2/dashboards/{id}"})
    @RequiresPermission(Permission.DASHBOARDS_WRITE)
    public HttpResponse<Dashboard> update(Caller caller, @PathVariable UUID id, @Valid @Body Dashboard dashboard,
                                          @Nullable @Header("If-Match") String ifMatch) {
        Long version = dashboard.version();
        if (ifMatch != null) {
            Dashboard current = dashboards.find(caller.tenant(), id).orElseThrow(DashboardController::notFound);
            if (!ifMatch.equals(etag(current))) {
                throw new ClientError(HttpStatus.PRECONDITION_FAILED.getCode(), "If-Match is not the current ETag");
            }
            version = current.version();
        }
        Dashboard based = new Dashboard(id, dashboard.name(), dashboard.defaultRange(), dashboard.refreshSeconds(),
                dashboard.widgets(), version);
        Dashboard updated = dashboards.update(caller.tenant(), id, based).orElseThrow(DashboardController::notFound);
        return HttpResponse.ok(updated).header("ETag", etag(updated));
    }

    @Delete(uris = {"/v1/dashboards/{id}", "/v2/dashboards/{id}"})
    @RequiresPermission(Permission.DASHBOARDS_WRITE)
    public HttpResponse<Void> delete(Caller caller, @PathVariable UUID id) {
        if (!dashboards.delete(caller.tenant(), id)) {
            throw notFound();
        }
        return HttpResponse.noContent();
    }

    @Get("/v1/dashboards")
    @RequiresPermission(Permission.DASHBOARDS_READ)
    public DashboardsV1 listV1(Caller caller) {
        return new DashboardsV1(dashboards.page(caller.tenant(), null, V1_LIST_LIMIT));
    }

    @Get("/v2/dashboards{?cursor,limit}")
    @RequiresPermission(Permission.DASHBOARDS_READ)
    public DashboardsPage listV2(Caller caller, @QueryValue @Nullable String cursor, @QueryValue @Nullable Integer limit) {
        int size = limit == null ? 50 : Math.min(Math.max(limit, 1), 200);
        List<Dashboard> page = dashboards.page(caller.tenant(), cursor == null ? null : decode(cursor), size + 1);
        String next = page.size() > size ? encode(page.get(size - 1)) : null;
        return new DashboardsPage(page.subList(0, Math.min(size, page.size())), next);
    }

    private static String etag(Dashboard dashboard) {
        return "\"" + dashboard.version() + "\"";
    }

    private static ClientError notFound() {
        return new ClientError(HttpStatus.NOT_FOUND.getCode(), "no such dashboard");
    }

    /** The cursor is the last item's position in (name, id) order, opaque to clients. */
    private static String encode(Dashboard last) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((last.id() + "/" + last.name()).getBytes(StandardCharsets.UTF_8));
    }

    private static DashboardService.Position decode(String cursor) {
        try {
            String position = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int slash = position.indexOf('/');
            return new DashboardService.Position(position.substring(slash + 1),
                    UUID.fromString(position.substring(0, slash)));
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new ClientError(HttpStatus.BAD_REQUEST.getCode(), "cursor is not one this API returned");
        }
    }
}
