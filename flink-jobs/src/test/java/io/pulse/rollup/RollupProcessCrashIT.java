package io.pulse.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pulse.rollup.testing.DataSet;
import io.pulse.rollup.testing.JobProcess;
import io.pulse.rollup.testing.PipelineScenario;
import io.pulse.rollup.testing.Reference;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the process running the job (SIGKILL, no clean stop) while it is in the middle of the stream,
 * starts a new process from the last retained checkpoint, finishes the input and checks that the rows
 * still equal the reference: no loss, no double count. The watermark is held at most 30 s behind the
 * wall clock, so the two-hour-old events arrive after their windows (all but those read before the
 * job's first watermark): the kill lands while corrections are being merged into stored rows.
 */
class RollupProcessCrashIT {

    @TempDir
    Path checkpoints;

    private Process startJob(PipelineScenario scenario, String restoreFrom) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(argument -> argument.startsWith("--add-opens")).forEach(command::add);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(JobProcess.class.getName());
        command.addAll(scenario.jobArgs());
        command.add("--checkpoint-dir");
        command.add(checkpoints.toUri().toString());
        if (restoreFrom != null) {
            command.add("--restore-from");
            command.add(restoreFrom);
        }
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(Path.of("target", restoreFrom == null ? "job-process-first.log" : "job-process-second.log").toFile())
                .start();
    }

    /** The newest completed checkpoint: the highest chk-N that has its metadata written. */
    private Optional<Path> latestCheckpoint() throws IOException {
        try (Stream<Path> files = Files.walk(checkpoints, 3)) {
            return files.filter(p -> p.getFileName().toString().matches("chk-\\d+"))
                    .filter(p -> Files.exists(p.resolve("_metadata")))
                    .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().substring(4))));
        }
    }

    @Test
    void aKilledJobRestoredFromItsLastCheckpointLosesNothingAndCountsNothingTwice() throws Exception {
        DataSet data = new DataSet(DataSet.hourTwoHoursAgo(),
                PipelineScenario.SHARDS, 1_500, 50, 15_000, 99);
        int firstCut = data.main.size() * 2 / 5;
        int secondCut = data.main.size() * 7 / 10;
        try (PipelineScenario scenario = new PipelineScenario("pulse_process_crash", Duration.ofSeconds(30))) {
            scenario.publish(data.main.subList(0, firstCut));
            Process first = startJob(scenario, null);
            Process second = null;
            try {
                // the first part is consumed and a checkpoint completed after some of its windows were written
                await().atMost(Duration.ofMinutes(2)).until(() -> scenario.readyMessages() == 0
                        && scenario.count("SELECT count(*) FROM rollup_10s") > 0);
                Optional<Path> before = latestCheckpoint();
                await().atMost(Duration.ofMinutes(1)).until(() -> latestCheckpoint().isPresent()
                        && !latestCheckpoint().equals(before));

                // mid-stream: the second part is being consumed when the process dies
                int secondPart = secondCut - firstCut;
                scenario.publish(data.main.subList(firstCut, secondCut));
                await().atMost(Duration.ofMinutes(1)).until(() -> scenario.readyMessages() < secondPart);
                first.destroyForcibly().waitFor();
                assertThat(first.exitValue()).as("killed, not stopped").isNotZero();

                File restoreFrom = latestCheckpoint().orElseThrow().toFile();
                second = startJob(scenario, restoreFrom.getPath());
                scenario.publish(data.main.subList(secondCut, data.main.size()));
                scenario.publish(data.sentinels);
                Map<Reference.Window, Reference.Truth> expected = scenario.awaitFinalRows(data);

                scenario.assertRowsMatch(expected);
                scenario.assertPublicationsMatch(expected);
                // what arrived before the job's first watermark filled windows in event time; the rest corrected them
                assertThat(scenario.count("SELECT coalesce(sum(late_events), 0) FROM tenant_corrections"
                        + " WHERE tenant <> 'sentinel'")).isPositive();
                assertThat(second.isAlive()).isTrue();
            } finally {
                first.destroyForcibly().waitFor();
                if (second != null) {
                    second.destroyForcibly().waitFor();
                }
            }
        }
    }
}
