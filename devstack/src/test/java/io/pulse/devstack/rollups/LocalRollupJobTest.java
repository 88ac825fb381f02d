package io.pulse.devstack.rollups;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRollupJobTest {

    @TempDir
    Path checkpoints;

    @Test
    void theNewestCompletedCheckpointOfAnyEarlierStartIsResumedFrom() throws Exception {
        assertThat(LocalRollupJob.newestCheckpoint(checkpoints.resolve("none"))).isEmpty();
        Path older = completed("job-a", "chk-40", 1_000);
        Path newer = completed("job-b", "chk-3", 2_000);
        Files.createDirectories(checkpoints.resolve("job-b/chk-4")); // in progress: no metadata yet
        Files.createDirectories(checkpoints.resolve("job-b/shared"));
        assertThat(LocalRollupJob.newestCheckpoint(checkpoints)).contains(newer);
        assertThat(older).exists();
    }

    private Path completed(String job, String checkpoint, long modifiedMillis) throws Exception {
        Path folder = Files.createDirectories(checkpoints.resolve(job).resolve(checkpoint));
        Path metadata = Files.writeString(folder.resolve("_metadata"), "x");
        Files.setLastModifiedTime(metadata, FileTime.fromMillis(modifiedMillis));
        return folder;
    }
}
