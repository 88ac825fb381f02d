package io.pulse.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pulse.contracts.flink.FlinkRestApi;
import io.pulse.contracts.spec.RollupSpecs;
import io.pulse.contracts.spec.UpgradePlan;
import io.pulse.rollup.testing.DataSet;
import io.pulse.rollup.testing.PipelineScenario;
import io.pulse.rollup.testing.Reference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job lifecycle through Flink's REST API on a MiniCluster's real REST endpoint, with the job jar
 * this build packaged: upload, run version 1, and while events keep arriving, stop it with a savepoint
 * and run version 2 from that savepoint. Every row equals the reference computed from the events:
 * nothing lost, nothing counted twice across the upgrade.
 */
class SpecUpgradeIT {

    private static final int SLICES = 20;

    @TempDir
    Path savepoints;

    @Test
    void anUpgradeUnderSteadyTrafficLosesNothingAndCountsNothingTwice() throws Exception {
        long start = DataSet.hourTwoHoursAgo();
        DataSet data = new DataSet(start, PipelineScenario.SHARDS, 1_200, 40, 15_000, 7);
        String v1 = spec(1, 10_000);
        String v2 = spec(2, 20_000); // a new cap: state-compatible, every operator restores
        UpgradePlan plan = UpgradePlan.between(RollupSpecs.validate(v1).orThrow(), RollupSpecs.validate(v2).orThrow());
        assertThat(plan.fullyRestored()).isTrue();

        MiniCluster cluster = startCluster();
        try (PipelineScenario scenario = new PipelineScenario("pulse_upgrade", Duration.ofHours(24), v1)) {
            FlinkRestApi flink = new FlinkRestApi(cluster.getRestAddress().get().toString(), Duration.ofMinutes(2));
            String jar = flink.uploadJar(jobJar());
            String first = flink.run(jar, RollupJob.class.getName(), scenario.jobArgs(), null, false);
            flink.awaitRunning(first);
            assertThat(flink.jobs()).extracting(FlinkRestApi.Job::id).contains(first);

            CountDownLatch halfSent = new CountDownLatch(1);
            CompletableFuture<Void> traffic = CompletableFuture.runAsync(() -> publishInSlices(scenario, data, halfSent));
            assertThat(halfSent.await(2, TimeUnit.MINUTES)).isTrue();

            String savepoint = flink.stopWithSavepoint(first, savepoints.toUri().toString());
            assertThat(flink.state(first)).isEqualTo("FINISHED");
            String second = flink.run(jar, RollupJob.class.getName(), withSpec(scenario.jobArgs(), v2), savepoint,
                    plan.dropsState());
            flink.awaitRunning(second);

            traffic.get(3, TimeUnit.MINUTES);
            scenario.publish(data.sentinels);
            Map<Reference.Window, Reference.Truth> expected = scenario.awaitFinalRows(data);
            scenario.assertRowsMatch(expected);
            flink.cancel(second);
        } finally {
            cluster.close();
        }
    }

    /** Publishes the main phase in slices, at a steady pace, and says when half of it is out. */
    private static void publishInSlices(PipelineScenario scenario, DataSet data, CountDownLatch halfSent) {
        int size = (data.main.size() + SLICES - 1) / SLICES;
        try {
            for (int slice = 0; slice < SLICES; slice++) {
                scenario.publish(data.main.subList(Math.min(slice * size, data.main.size()),
                        Math.min((slice + 1) * size, data.main.size())));
                if (slice == SLICES / 2) {
                    halfSent.countDown();
                }
                Thread.sleep(250); // the traffic's pace, not a wait for anything
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static MiniCluster startCluster() throws Exception {
        Configuration configuration = new Configuration();
        configuration.set(RestOptions.ADDRESS, "127.0.0.1");
        configuration.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        configuration.set(RestOptions.BIND_PORT, "0");
        // Flink's own packages (the RabbitMQ connector among them here) load from this JVM's class path, as in
        // a cluster whose lib/ held the connector: the client library they link against must come from there too
        configuration.set(CoreOptions.ALWAYS_PARENT_FIRST_LOADER_PATTERNS_ADDITIONAL, List.of("com.rabbitmq."));
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(configuration)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(4).build());
        cluster.start();
        return cluster;
    }

    /** The default spec with 30 s lateness (as the other scenarios), at {@code version} with {@code cap}. */
    private static String spec(int version, int cap) {
        ObjectNode spec = (ObjectNode) RollupSpecs.readTree(PipelineScenario.defaultSpecWithLateness("30s"));
        spec.put("version", version);
        ((ObjectNode) spec.get("series")).put("maxSeriesPerMetric", cap);
        return RollupSpecs.canonicalJson(spec);
    }

    private static List<String> withSpec(List<String> arguments, String spec) {
        List<String> changed = new ArrayList<>(arguments);
        changed.set(changed.indexOf("--spec") + 1, spec);
        return changed;
    }

    /** The shaded job jar the package phase built, as a Flink cluster gets it. */
    private static Path jobJar() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(file -> file.getFileName().toString().matches("flink-jobs-.*-job\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no job jar in target/: run the package phase first"));
        }
    }
}
