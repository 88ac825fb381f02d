package io.pulse.devstack.rollups;

import io.pulse.rollup.RollupJob;
import io.pulse.rollup.RollupJobConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.time.Duration;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.SavepointConfigOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The rollup job on a Flink MiniCluster in this JVM, with Flink's web UI (backpressure, checkpoints,
 * watermarks) and its Prometheus metrics on ports of their own. Checkpoints go to the data folder and are kept when the job stops or the
 * process dies, and each start resumes from the newest one: messages the job had not acknowledged at
 * that checkpoint are still in the broker and are read again, while its state remembers which messages
 * it has counted, so nothing is lost or counted twice.
 */
public final class LocalRollupJob implements AutoCloseable {

    private final JobClient client;
    private final Optional<Path> restoredFrom;

    private final Path checkpoints;

    private LocalRollupJob(JobClient client, Optional<Path> restoredFrom, Path checkpoints) {
        this.client = client;
        this.restoredFrom = restoredFrom;
        this.checkpoints = checkpoints;
    }

    /** Starts the job with its web UI on {@code webUiPort} and its Prometheus metrics on {@code metricsPort}. */
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
        newest.ifPresent(checkpoint -> flink.set(SavepointConfigOptions.SAVEPOINT_PATH, checkpoint.toUri().toString()));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
        RollupJob job = new RollupJob(config);
        job.configure(env);
        job.build(env, job.rabbitMqSources(), job.productionSinks());
        return new LocalRollupJob(env.executeAsync("pulse-rollups (devstack)"), newest, checkpoints);
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
        return client.getJobID().toString();
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

    /** Cancels the job; its last completed checkpoint stays (RETAIN_ON_CANCELLATION) for the next start. */
    @Override
    public void close() throws Exception {
        client.cancel().get(60, TimeUnit.SECONDS);
    }
}
