package io.pulse.serving.jobs;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;
import io.pulse.contracts.event.Event;
import io.pulse.contracts.spec.RollupSpec;
import io.pulse.contracts.spec.RollupSpecs;
import io.pulse.contracts.spec.SpecDiff;
import io.pulse.contracts.spec.SpecEstimate;
import io.pulse.contracts.spec.SpecValidation;
import io.pulse.contracts.spec.UpgradePlan;
import io.pulse.serving.caller.Caller;
import io.pulse.serving.errors.ClientError;
import io.pulse.serving.security.Permission;
import io.pulse.serving.security.RequiresPermission;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Rollup specs for data engineers (docs/jobs.md): the published schema, validation with an estimate
 * from a sample, stored versions with their history, the diff and upgrade plan between two versions,
 * and deployments to the Flink cluster: deploy (first start or upgrade through a savepoint), savepoint,
 * stop. Reading needs {@code jobs:read}; storing and deploying need {@code jobs:manage}.
 */
@Controller("/v2/jobs")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
public class JobsController {

    /** At most this many sample events per validation: enough to see a metric's series, cheap to fold. */
    static final int MAX_SAMPLE = 10_000;

    /** A sample event: the event contract's fields, tenant included (specs select tenants). */
    @Serdeable
    public record SampleEvent(@NotNull String tenant, @NotNull String metric, long timestamp, double value,
                              Map<String, String> dimensions) { }

    /** A spec as text (YAML or JSON), optionally with recent events to estimate its series and state from. */
    @Serdeable
    public record SpecText(@NotNull String spec, @Size(max = MAX_SAMPLE) List<@Valid SampleEvent> sample) { }

    @Serdeable
    public record SpecsPage(List<SpecVersions.SpecVersion> items) { }

    @Serdeable
    public record Change(String path, String before, String after) { }

    /** What an upgrade does to each stateful operator (see {@link UpgradePlan}). */
    @Serdeable
    public record Plan(boolean fullyRestored, boolean dropsState, List<Step> steps) {

        static Plan of(UpgradePlan plan) {
            return new Plan(plan.fullyRestored(), plan.dropsState(), plan.steps().stream()
                    .map(step -> new Step(step.operator(), step.fromUid(), step.toUid(),
                            step.fate().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')))
                    .toList());
        }
    }

    @Serdeable
    public record Step(String operator, String fromUid, String toUid, String fate) { }

    @Serdeable
    public record Comparison(String name, int from, int to, List<Change> changes, Plan plan) { }

    /** Which version to deploy; {@code confirm} accepts a plan that starts state empty or drops some. */
    @Serdeable
    public record DeployRequest(@Positive int version, boolean confirm) { }

    @Serdeable
    public record DeploymentsPage(String cluster, List<Deployments.Deployment> items) { }

    /** What deploying a version would do; {@code plan} is null when the rollup does not run (it starts empty). */
    @Serdeable
    public record DeployPlan(String name, int version, String cluster, Plan plan) { }

    @Serdeable
    public record Refusal(String detail, Plan plan) { }

    @Serdeable
    public record Savepoint(String savepoint) { }

    /** Which rollup version to backfill, over events from {@code from} to {@code to} (exclusive). */
    @Serdeable
    public record BackfillRequest(@NotNull String name, @Positive int version, @NotNull Instant from, @NotNull Instant to) { }

    @Serdeable
    public record BackfillJob(String jobId, String cluster, String state) { }

    private final SpecVersions versions;
    private final Deployments deployments;

    public JobsController(SpecVersions versions, Deployments deployments) {
        this.versions = versions;
        this.deployments = deployments;
    }

    /** The JSON Schema every spec is checked against first. */
    @Get("/schema")
    @Produces("application/schema+json")
    @RequiresPermission(Permission.JOBS_READ)
    public String schema() {
        return RollupSpecs.schemaText();
    }

    /** Checks a spec without storing it; always 200, with {@code valid} and every error. */
    @Post("/validate")
    @RequiresPermission(Permission.JOBS_READ)
    public SpecCheck validate(@Valid @Body SpecText request) {
        SpecValidation validation = RollupSpecs.validate(request.spec());
        SpecEstimate estimate = validation.spec().isPresent() && request.sample() != null
                ? SpecEstimate.of(validation.spec().get(), events(request.sample())) : null;
        return SpecCheck.of(validation, estimate);
    }

    /** Stores the spec as its rollup's next version: 201, or 422 with every error, or 409 for a wrong version. */
    @Post("/specs")
    @RequiresPermission(Permission.JOBS_MANAGE)
    @ApiResponse(responseCode = "201", description = "stored", content = @Content(mediaType = MediaType.APPLICATION_JSON,
        schema = @Schema(implementation = SpecVersions.SpecVersion.class)))
    @ApiResponse(responseCode = "422", description = "invalid: every error with its path", content =
        @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SpecCheck.class)))
    public HttpResponse<?> add(Caller caller, @Valid @Body SpecText request) {
        SpecValidation validation = RollupSpecs.validate(request.spec());
        if (!validation.valid()) {
            return HttpResponse.unprocessableEntity().body(SpecCheck.of(validation, null));
        }
        RollupSpec spec = validation.orThrow();
        try {
            SpecVersions.SpecVersion stored = versions.add(spec.name(), spec.version(),
                    RollupSpecs.canonicalJson(validation.document()), caller.subject());
            return HttpResponse.created(stored, URI.create("specs/" + spec.name() + "/versions/" + spec.version()));
        } catch (SpecVersions.VersionConflict e) {
            throw new ClientError(HttpStatus.CONFLICT.getCode(), e.getMessage());
        }
    }

    /** Every rollup's newest version. */
    @Get("/specs")
    @RequiresPermission(Permission.JOBS_READ)
    public SpecsPage list() {
        return new SpecsPage(versions.latest());
    }

    /** Every version of one rollup, newest first. */
    @Get("/specs/{name}/versions")
    @RequiresPermission(Permission.JOBS_READ)
    public SpecsPage history(@PathVariable String name) {
        List<SpecVersions.SpecVersion> history = versions.history(name);
        if (history.isEmpty()) {
            throw new ClientError(HttpStatus.NOT_FOUND.getCode(), "no such rollup spec");
        }
        return new SpecsPage(history);
    }

    @Get("/specs/{name}/versions/{version}")
    @RequiresPermission(Permission.JOBS_READ)
    public SpecVersions.SpecVersion version(@PathVariable String name, @PathVariable int version) {
        return stored(name, version);
    }

    /** What changes from version {@code from} to {@code to}: the fields, and what an upgrade does to state. */
    @Get(value = "/specs/{name}/diff", produces = MediaType.APPLICATION_JSON)
    @RequiresPermission(Permission.JOBS_READ)
    public Comparison diff(@PathVariable String name, @QueryValue int from, @QueryValue int to) {
        SpecVersions.SpecVersion before = stored(name, from);
        SpecVersions.SpecVersion after = stored(name, to);
        List<Change> changes = SpecDiff.between(RollupSpecs.readTree(before.document()),
                RollupSpecs.readTree(after.document())).stream()
                .map(change -> new Change(change.path(), text(change.before()), text(change.after()))).toList();
        UpgradePlan plan = UpgradePlan.between(RollupSpecs.validate(before.document()).orThrow(),
                RollupSpecs.validate(after.document()).orThrow());
        return new Comparison(name, from, to, changes, Plan.of(plan));
    }

    /** The newest deployment of every rollup and the state of its job, and which cluster they run on. */
    @Get("/deployments")
    @RequiresPermission(Permission.JOBS_READ)
    public DeploymentsPage deployments() {
        return new DeploymentsPage(deployments.cluster(), deployments.current());
    }

    /** The plan of deploying {@code version} now, before anything is stopped. */
    @Get("/deployments/{name}/plan")
    @RequiresPermission(Permission.JOBS_READ)
    public DeployPlan plan(@PathVariable String name, @QueryValue int version) {
        UpgradePlan plan = deployments.plan(name, version);
        return new DeployPlan(name, version, deployments.cluster(), plan == null ? null : Plan.of(plan));
    }

    /**
     * Runs {@code version}: a first start, or an upgrade (stop with savepoint, start from it). An upgrade
     * whose plan starts state empty or drops some needs {@code confirm}; without it: 409 with the plan.
     */
    @Post("/deployments/{name}")
    @RequiresPermission(Permission.JOBS_MANAGE)
    // the body's type depends on the answer, so the document names both
    @ApiResponse(responseCode = "201", description = "running", content =
        @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Deployments.Outcome.class)))
    @ApiResponse(responseCode = "409", description = "the plan starts state empty or drops some: deploy again with confirm",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Refusal.class)))
    public HttpResponse<?> deploy(Caller caller, @PathVariable String name, @Valid @Body DeployRequest request) {
        try {
            return HttpResponse.created(deployments.deploy(name, request.version(), request.confirm(), caller.subject()));
        } catch (Deployments.NeedsConfirmation e) {
            return HttpResponse.status(HttpStatus.CONFLICT).body(new Refusal(e.getMessage(), Plan.of(e.plan())));
        }
    }

    @Post("/deployments/{name}/savepoint")
    @RequiresPermission(Permission.JOBS_MANAGE)
    public Savepoint savepoint(@PathVariable String name) {
        return new Savepoint(deployments.savepoint(name));
    }

    @Post("/deployments/{name}/stop")
    @RequiresPermission(Permission.JOBS_MANAGE)
    public Savepoint stop(@PathVariable String name) {
        return new Savepoint(deployments.stop(name));
    }

    /** Starts a backfill of a stored version over the raw event archive; its job's state is at the answer's location. */
    @Post("/backfills")
    @RequiresPermission(Permission.JOBS_MANAGE)
    public HttpResponse<BackfillJob> backfill(@Valid @Body BackfillRequest request) {
        String job = deployments.backfill(request.name(), request.version(), request.from(), request.to());
        return HttpResponse.accepted(URI.create("/v2/jobs/backfills/" + job))
                .body(new BackfillJob(job, deployments.cluster(), deployments.state(job)));
    }

    @Get("/backfills/{jobId}")
    @RequiresPermission(Permission.JOBS_READ)
    public BackfillJob backfillJob(@PathVariable @Pattern(regexp = "[0-9a-f]{32}") String jobId) {
        return new BackfillJob(jobId, deployments.cluster(), deployments.state(jobId));
    }

    private SpecVersions.SpecVersion stored(String name, int version) {
        return versions.find(name, version).orElseThrow(() ->
                new ClientError(HttpStatus.NOT_FOUND.getCode(), "no such rollup spec version"));
    }

    private static String text(com.fasterxml.jackson.databind.JsonNode node) {
        return node == null ? null : node.toString();
    }

    private static List<Event> events(List<SampleEvent> sample) {
        return sample.stream().map(e -> new Event(e.tenant(), e.metric(), e.timestamp(), e.value(), e.dimensions(), null))
                .toList();
    }
}
