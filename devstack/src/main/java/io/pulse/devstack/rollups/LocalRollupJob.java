package io.pulse.devstack.rollups;

import io.pulse.rollup.RollupJob;
import io.pulse.rollup.RollupJobConfig;
import io.pulse.rollup.archive.EventArchive;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * The rollup job on a Flink session MiniCluster in this JVM, with Flink's web UI (backpressure, checkpoints,
 * watermarks) and its Prometheus metrics on ports of their own. Checkpoints go to the data folder and are kept when the job stops or the
 * process dies, and each start resumes from the newest one: messages the job had not acknowledged at
 * that checkpoint are still in the broker and are read again, while its state remembers which messages
 * it has counted, so nothing is lost or counted twice.
 */
public final class LocalRollupJob implements AutoCloseable {

    /** Room for the devstack's own job and a few deployed through the jobs API, two slots each. */
    private static final int SLOTS = 8;
    /** How long cancelling the jobs, and then stopping the cluster, may each take. */
    private static final Duration STOP_STEP = Duration.ofSeconds(20);

    private final MiniCluster cluster;
    private final JobID job;
    private final Optional<Path> restoredFrom;

    private final Path checkpoints;

    private LocalRollupJob(MiniCluster cluster, JobID job, Optional<Path> restoredFrom, Path checkpoints) {
        this.cluster = cluster;
        this.job = job;
        this.restoredFrom = restoredFrom;
        this.checkpoints = checkpoints;
    }

    /**
     * Starts a session MiniCluster with its web UI and REST API on {@code webUiPort} and its Prometheus
     * metrics on {@code metricsPort}, and the rollup job on it. The cluster outlives the job: jobs deployed
     * through the jobs API (and an upgrade's stop and start) run on it too.
     */
    public static LocalRollupJob start(RollupJobConfig config, Path checkpoints, int webUiPort, int metricsPort)
            throws Exception {
        RollupJob.prepareDatabase(config.jdbcUrl(), config.jdbcUser(), config.jdbcPassword());
        Optional<Path> newest = newestCheckpoint(checkpoints);
        newest.ifPresent(checkpoint -> removeOtherJobs(checkpoints, checkpoint.getParent()));
        Configuration flink = new Configuration();
        flink.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        flink.set(RestOptions.ADDRESS, "127.0.0.1");
        flink.set(RestOptions.PORT, webUiPort);
        // Flink's Prometheus reporter, as configured in a cluster (docker-compose.yml, the Helm chart)
        flink.setString("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        flink.setString("metrics.reporter.prom.port", Integer.toString(metricsPort));
        // jobs deployed through the jobs API load parent-first: this JVM already holds the job's classes and
        // every library the jar bundles (the API's OpenTelemetry and RabbitMQ client among them), and two copies
        // of one library across class loaders break at link time. A real cluster's lib/ holds only Flink.
        flink.set(CoreOptions.CLASSLOADER_RESOLVE_ORDER, "parent-first");
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(flink)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(SLOTS).build());
        cluster.start();
        try {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
            RollupJob job = new RollupJob(config);
            if (job.archives()) {
                new EventArchive(config.archiveDir()).scheduleRetention(config.archiveRetentionDays(), Clock.systemUTC());
            }
            job.configure(env);
            job.build(env, job.rabbitMqSources(), job.productionSinks());
            StreamGraph graph = env.getStreamGraph();
            graph.setJobName("pulse-rollups (devstack)");
            JobGraph jobGraph = graph.getJobGraph();
            newest.ifPresent(checkpoint -> jobGraph.setSavepointRestoreSettings(
                    SavepointRestoreSettings.forPath(checkpoint.toUri().toString(), false)));
            JobID id = cluster.submitJob(jobGraph).get(1, TimeUnit.MINUTES).getJobID();
            return new LocalRollupJob(cluster, id, newest, checkpoints);
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    /** The checkpoint this start resumed from; empty on a first start. */
    public Optional<Path> restoredFrom() {
        return restoredFrom;
    }

    /**
     * Waits until this job completed its first checkpoint: then every task is running and connected to
     * its queue. Polls the checkpoint folder, as nothing else reports it without the REST API.
     */
    public void awaitFirstCheckpoint(Duration timeout) throws InterruptedException, TimeoutException {
        Path own = checkpoints.resolve(jobId());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (newestCheckpoint(own).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("the rollup job completed no checkpoint within " + timeout
                        + "; see the log for why its tasks do not run");
            }
            Thread.sleep(200);
        }
    }

    public String jobId() {
        return job.toString();
    }

    /**
     * The newest completed checkpoint under {@code checkpoints} ({@code <job id>/chk-<n>/_metadata}, the
     * metadata written last, when the checkpoint completed).
     */
    static Optional<Path> newestCheckpoint(Path checkpoints) {
        if (!Files.isDirectory(checkpoints)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.find(checkpoints, 3, (path, attributes) ->
                path.getFileName().toString().equals("_metadata") && path.getParent().getFileName().toString().startsWith("chk-"))) {
            List<Path> completed = files.toList();
            return completed.stream().max(Comparator.comparing(LocalRollupJob::modified)).map(Path::getParent);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Earlier starts' checkpoint folders: the one resumed from holds everything they counted. */
    private static void removeOtherJobs(Path checkpoints, Path keep) {
        try (Stream<Path> jobs = Files.list(checkpoints)) {
            for (Path job : jobs.filter(job -> !job.equals(keep)).toList()) {
                try (Stream<Path> tree = Files.walk(job)) {
                    for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(path);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Cancels every job on the cluster and stops it; the rollup job's last completed checkpoint stays
     * (RETAIN_ON_CANCELLATION) for the next start. Bounded, so that a task slow to cancel cannot hold up
     * the devstack's stop: whatever it had not checkpointed is read again from the broker next time.
     */
    @Override
    public void close() throws Exception {
        try {
            List<CompletableFuture<?>> cancelling = new ArrayList<>();
            for (JobStatusMessage listed : cluster.listJobs().get(STOP_STEP.toSeconds(), TimeUnit.SECONDS)) {
                if (!listed.getJobState().isGloballyTerminalState()) {
                    cancelling.add(cluster.cancelJob(listed.getJobId()));
                }
            }
            CompletableFuture.allOf(cancelling.toArray(new CompletableFuture[0])).get(STOP_STEP.toSeconds(), TimeUnit.SECONDS);
        } finally {
            cluster.closeAsync().get(STOP_STEP.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
