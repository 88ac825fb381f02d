package io.pulse.serving.freshness;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.pulse.serving.caller.Caller;
import io.pulse.serving.security.Permission;
import io.pulse.serving.security.RequiresPermission;

/** {@code GET /v2/freshness}: how current the caller's tenant's numbers are. */
@Controller("/v2/freshness")
@Secured(SecurityRule.IS_AUTHENTICATED)
@RequiresPermission(Permission.METRICS_READ)
@ExecuteOn(TaskExecutors.BLOCKING)
public class FreshnessController {

    private final TenantFreshness freshness;

    public FreshnessController(TenantFreshness freshness) {
        this.freshness = freshness;
    }

    @Get
    public Freshness freshness(Caller caller) {
        return freshness.of(caller.tenant());
    }
}
