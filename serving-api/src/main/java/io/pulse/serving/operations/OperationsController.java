package io.pulse.serving.operations;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.pulse.serving.security.Permission;
import io.pulse.serving.security.RequiresPermission;

/**
 * {@code GET /v2/operations}: the Flink jobs and event queues of the platform, for the dashboard's
 * Operations page (docs/operations/observability.md).
 */
@Controller("/v2/operations")
@Secured(SecurityRule.IS_AUTHENTICATED)
@RequiresPermission(Permission.JOBS_READ)
@ExecuteOn(TaskExecutors.BLOCKING)
public class OperationsController {

    private final Operations operations;

    public OperationsController(Operations operations) {
        this.operations = operations;
    }

    @Get
    public OperationsView operations() {
        return operations.view();
    }
}
