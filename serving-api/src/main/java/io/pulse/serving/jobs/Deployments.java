package io.pulse.serving.jobs;

import io.micronaut.http.HttpStatus;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.TransactionOperations;
import io.pulse.contracts.flink.FlinkRestApi;
import io.pulse.contracts.spec.RollupSpec;
import io.pulse.contracts.spec.RollupSpecs;
import io.pulse.contracts.spec.UpgradePlan;
import io.pulse.serving.errors.ClientError;
import io.pulse.serving.operations.OperationsSettings;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs stored spec versions on the Flink cluster through its REST API and keeps which version runs as
 * which job (migration V6). A first deployment starts empty; deploying another version of a running
 * rollup is an upgrade: its plan is checked, the running job stops with a savepoint, and the new version
 * starts from it. Deploying a rollup that was stopped resumes from the savepoint it stopped with. A deployment returns once every task of the new job runs. If the new version does not
 * start, the old one is started again from that savepoint.
 */
@Singleton
public class Deployments {

    static final String ENTRY_CLASS = "io.pulse.rollup.RollupJob";
    static final String BACKFILL_CLASS = "io.pulse.rollup.backfill.Backfill";

    /** One deployment, with the job's state as the cluster reports it now. */
    @Serdeable
    public record Deployment(String name, int version, String cluster, String jobId, String state,
                             String restoredFrom, String stoppedWith, String deployedBy, Instant deployedAt,
                             Instant stoppedAt) { }

    /** What a deployment did: the plan it followed (null for a first start) and the savepoint handed over. */
    @Serdeable
    public record Outcome(Deployment deployment, JobsController.Plan plan, String savepoint) { }

    /** An upgrade that would start state empty or drop some, asked for without confirmation. */
    public static final class NeedsConfirmation extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient UpgradePlan plan;

        NeedsConfirmation(UpgradePlan plan) {
            super("this upgrade starts some state empty or drops some (see the plan); deploy again with confirm to go ahead");
            this.plan = plan;
        }

        public UpgradePlan plan() {
            return plan;
        }
    }

    private final SpecVersions versions;
    private final TransactionOperations<Connection> transactions;
    private final JobsSettings settings;
    private final Optional<FlinkRestApi> flink;

    public Deployments(SpecVersions versions, TransactionOperations<Connection> transactions, JobsSettings settings,
                       OperationsSettings operations) {
        this.versions = versions;
        this.transactions = transactions;
        this.settings = settings;
        // blank, as PULSE_FLINK_URL unset leaves it: no cluster
        this.flink = Optional.ofNullable(operations.flinkUrl()).filter(url -> !url.isBlank())
                .map(url -> new FlinkRestApi(url, Duration.ofMillis(settings.timeoutMillis())));
    }

    /** The cluster deployments go to, or null when none is configured. */
    public String cluster() {
        return flink.map(FlinkRestApi::address).orElse(null);
    }

    /** The newest deployment of every rollup, with its job's state now. */
    public List<Deployment> current() {
        Map<String, String> states = new HashMap<>();
        flink.ifPresent(api -> {
            try {
                api.jobs().forEach(job -> states.put(job.id(), job.state()));
            } catch (IOException e) {
                // reported per deployment as UNKNOWN
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return rows("SELECT DISTINCT ON (name) * FROM rollup_deployment ORDER BY name, id DESC").stream()
                .map(d -> withState(d, d.stoppedAt() != null ? "STOPPED" : states.getOrDefault(d.jobId(), "UNKNOWN")))
                .toList();
    }

    /**
     * What deploying {@code version} would do now: from the running version, or from the savepoint the
     * last one stopped with; null when there is neither (everything starts empty).
     */
    public UpgradePlan plan(String name, int version) {
        RollupSpec target = spec(name, version);
        return running(name).or(() -> stoppedWithSavepoint(name))
                .map(previous -> UpgradePlan.between(spec(name, previous.version()), target)).orElse(null);
    }

    public Outcome deploy(String name, int version, boolean confirmed, String by) {
        FlinkRestApi api = cluster("deploy");
        RollupSpec target = spec(name, version);
        Optional<Deployment> current = running(name);
        if (current.isPresent() && current.get().version() == version) {
            throw new ClientError(HttpStatus.CONFLICT.getCode(), name + " version " + version + " is already running");
        }
        // a running version hands over its state through a new savepoint; a stopped one through the one it stopped with
        Optional<Deployment> previous = current.isPresent() ? current : stoppedWithSavepoint(name);
        UpgradePlan plan = previous.map(p -> UpgradePlan.between(spec(name, p.version()), target)).orElse(null);
        if (plan != null && !plan.fullyRestored() && !confirmed) {
            throw new NeedsConfirmation(plan);
        }
        try {
            String jar = api.uploadJar(Path.of(settings.jar()));
            String savepoint = previous.map(Deployment::stoppedWith).orElse(null);
            if (current.isPresent()) {
                savepoint = api.stopWithSavepoint(current.get().jobId(), savepointDir());
                markStopped(current.get().jobId(), savepoint);
            }
            String jobId;
            try {
                jobId = api.run(jar, ENTRY_CLASS, arguments(name, version), savepoint, plan != null && plan.dropsState());
                api.awaitRunning(jobId);
            } catch (IOException e) {
                if (current.isPresent()) {
                    String back = api.run(jar, ENTRY_CLASS, arguments(name, current.get().version()), savepoint, false);
                    insert(name, current.get().version(), back, savepoint, by);
                    api.awaitRunning(back);
                }
                throw new ClientError(HttpStatus.BAD_GATEWAY.getCode(), "version " + version + " did not start ("
                        + e.getMessage() + ")" + (current.isPresent() ? "; version " + current.get().version()
                        + " runs again from savepoint " + savepoint : ""));
            }
            Deployment deployment = insert(name, version, jobId, savepoint, by);
            keepRowsAsLongAsAsked(target);
            return new Outcome(deployment, plan == null ? null : JobsController.Plan.of(plan), savepoint);
        } catch (IOException e) {
            throw new ClientError(HttpStatus.BAD_GATEWAY.getCode(), "the Flink cluster refused: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Takes a savepoint of the running rollup and leaves it running; returns its path. */
    public String savepoint(String name) {
        Deployment current = running(name).orElseThrow(() -> notRunning(name));
        return call(() -> cluster("take savepoints").savepoint(current.jobId(), savepointDir()));
    }

    /** Stops the running rollup with a savepoint; returns its path (deploying a version later resumes from nothing). */
    public String stop(String name) {
        Deployment current = running(name).orElseThrow(() -> notRunning(name));
        String savepoint = call(() -> cluster("stop jobs").stopWithSavepoint(current.jobId(), savepointDir()));
        markStopped(current.jobId(), savepoint);
        return savepoint;
    }

    /**
     * Starts a backfill of {@code version} over the raw event archive, for events from {@code from} to
     * {@code to} (exclusive), on the cluster; returns its job id. It runs beside any deployment, writing
     * the same tables (rows already holding the same state are left untouched).
     */
    public String backfill(String name, int version, Instant from, Instant to) {
        spec(name, version);
        if (!from.isBefore(to)) {
            throw new ClientError(HttpStatus.BAD_REQUEST.getCode(), "from must be before to");
        }
        FlinkRestApi api = cluster("run backfills");
        List<String> arguments = arguments(name, version);
        arguments.addAll(List.of("--from", from.toString(), "--to", to.toString()));
        return call(() -> api.run(api.uploadJar(Path.of(settings.jar())), BACKFILL_CLASS, arguments, null, false));
    }

    /** The state of a job on the cluster (a backfill's: FINISHED when its rows are written). */
    public String state(String jobId) {
        return call(() -> cluster("read job states").state(jobId));
    }

    private interface FlinkCall {
        String run() throws IOException, InterruptedException;
    }

    private static String call(FlinkCall call) {
        try {
            return call.run();
        } catch (IOException e) {
            throw new ClientError(HttpStatus.BAD_GATEWAY.getCode(), "the Flink cluster refused: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Optional<Deployment> running(String name) {
        return current().stream().filter(d -> d.name().equals(name) && d.stoppedAt() == null
                && !List.of("FINISHED", "CANCELED", "FAILED").contains(d.state())).findFirst();
    }

    private Optional<Deployment> stoppedWithSavepoint(String name) {
        return current().stream().filter(d -> d.name().equals(name) && d.stoppedWith() != null).findFirst();
    }

    private RollupSpec spec(String name, int version) {
        SpecVersions.SpecVersion stored = versions.find(name, version).orElseThrow(() ->
                new ClientError(HttpStatus.NOT_FOUND.getCode(), "no such rollup spec version"));
        return RollupSpecs.validate(stored.document()).orThrow();
    }

    private List<String> arguments(String name, int version) {
        List<String> arguments = new ArrayList<>();
        if (settings.jobArguments() != null) {
            settings.jobArguments().stream().filter(argument -> !argument.isBlank()).forEach(arguments::add);
        }
        arguments.add("--spec");
        arguments.add(versions.find(name, version).orElseThrow().document());
        return arguments;
    }

    private FlinkRestApi cluster(String what) {
        if (flink.isEmpty() || settings.jar() == null || settings.savepointDir() == null) {
            throw new ClientError(HttpStatus.SERVICE_UNAVAILABLE.getCode(), "cannot " + what + ": no Flink cluster,"
                    + " job jar or savepoint folder is configured (pulse.operations.flink-url, pulse.jobs.jar,"
                    + " pulse.jobs.savepoint-dir)");
        }
        return flink.get();
    }

    private String savepointDir() {
        return settings.savepointDir();
    }

    private static ClientError notRunning(String name) {
        return new ClientError(HttpStatus.CONFLICT.getCode(), name + " is not running");
    }

    private Deployment insert(String name, int version, String jobId, String restoredFrom, String by) {
        return transactions.executeWrite(status -> {
            try (PreparedStatement insert = status.getConnection().prepareStatement("INSERT INTO rollup_deployment"
                    + " (name, version, cluster, job_id, restored_from, deployed_by) VALUES (?, ?, ?, ?, ?, ?) RETURNING *")) {
                insert.setString(1, name);
                insert.setInt(2, version);
                insert.setString(3, cluster());
                insert.setString(4, jobId);
                insert.setString(5, restoredFrom);
                insert.setString(6, by);
                try (ResultSet row = insert.executeQuery()) {
                    row.next();
                    return withState(deployment(row), "RUNNING");
                }
            }
        });
    }

    /**
     * Applies the spec's retention per window to the shared rollup tables: a longer one than a table's
     * lengthens it, a shorter one leaves it (other rollups' rows live there too; docs/jobs.md).
     */
    private void keepRowsAsLongAsAsked(RollupSpec spec) {
        transactions.executeWrite(status -> {
            try (PreparedStatement keep = status.getConnection().prepareStatement(
                    "SELECT pulse_keep_at_least(?, make_interval(days => ?, secs => ?))")) {
                for (Map.Entry<String, Duration> window : spec.retention().entrySet()) {
                    keep.setString(1, window.getKey());
                    // whole days as days, so the policy reads "120 days" rather than "2880:00:00"
                    keep.setInt(2, (int) window.getValue().toDays());
                    keep.setLong(3, window.getValue().toSeconds() % 86_400);
                    keep.execute();
                }
            }
            return null;
        });
    }

    private void markStopped(String jobId, String savepoint) {
        transactions.executeWrite(status -> {
            try (PreparedStatement update = status.getConnection().prepareStatement("UPDATE rollup_deployment"
                    + " SET stopped_with = ?, stopped_at = now() WHERE job_id = ?")) {
                update.setString(1, savepoint);
                update.setString(2, jobId);
                return update.executeUpdate();
            }
        });
    }

    private List<Deployment> rows(String sql) {
        return transactions.executeRead(status -> {
            try (PreparedStatement select = status.getConnection().prepareStatement(sql);
                 ResultSet rows = select.executeQuery()) {
                List<Deployment> deployments = new ArrayList<>();
                while (rows.next()) {
                    deployments.add(deployment(rows));
                }
                return deployments;
            }
        });
    }

    private static Deployment deployment(ResultSet row) throws SQLException {
        return new Deployment(row.getString("name"), row.getInt("version"), row.getString("cluster"),
                row.getString("job_id"), null, row.getString("restored_from"), row.getString("stopped_with"),
                row.getString("deployed_by"), row.getTimestamp("deployed_at").toInstant(),
                row.getTimestamp("stopped_at") == null ? null : row.getTimestamp("stopped_at").toInstant());
    }

    private static Deployment withState(Deployment d, String state) {
        return new Deployment(d.name(), d.version(), d.cluster(), d.jobId(), state, d.restoredFrom(), d.stoppedWith(),
                d.deployedBy(), d.deployedAt(), d.stoppedAt());
    }
}
