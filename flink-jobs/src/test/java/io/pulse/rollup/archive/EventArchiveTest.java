package io.pulse.rollup.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.contracts.event.Event;
import io.pulse.contracts.event.EventJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventArchiveTest {

    @TempDir
    Path folder;

    private EventArchive archive;

    @BeforeEach
    void layOutAnArchive() throws IOException {
        for (String partition : List.of("tenant=acme/day=2026-11-28", "tenant=acme/day=2026-11-29",
                "tenant=acme/day=2026-11-30", "tenant=globex/day=2026-11-30")) {
            Path day = Files.createDirectories(folder.resolve(partition));
            Files.writeString(day.resolve("events-b-1.jsonl.gz"), "");
            Files.writeString(day.resolve("events-a-0.jsonl.gz"), "");
            Files.writeString(day.resolve(".events-c-2.jsonl.gz.inprogress.0"), ""); // not committed yet
        }
        Files.createDirectories(folder.resolve("tenant=acme/scratch"));
        Files.createDirectories(folder.resolve("lost+found"));
        archive = new EventArchive(folder.toUri().toString());
    }

    @Test
    void daysAreTheSelectedTenantsPartitionsInTheRangeBothEndsIncluded() {
        assertThat(names(archive.days(tenant -> true, LocalDate.parse("2026-11-29"), LocalDate.parse("2026-11-30"))))
                .containsExactlyInAnyOrder("tenant=acme/day=2026-11-29", "tenant=acme/day=2026-11-30",
                        "tenant=globex/day=2026-11-30");
        assertThat(names(archive.days("globex"::equals, LocalDate.MIN, LocalDate.MAX)))
                .containsExactly("tenant=globex/day=2026-11-30");
        assertThat(archive.days(tenant -> true, LocalDate.parse("2026-12-01"), LocalDate.MAX)).isEmpty();
        assertThat(new EventArchive(folder.resolve("never-written").toUri().toString())
                .days(tenant -> true, LocalDate.MIN, LocalDate.MAX)).isEmpty();
    }

    @Test
    void partsAreTheCommittedFilesInOrderOfPath() {
        List<org.apache.flink.core.fs.Path> days = archive.days("acme"::equals, LocalDate.parse("2026-11-30"),
                LocalDate.parse("2026-11-30"));
        assertThat(EventArchive.parts(days)).extracting(org.apache.flink.core.fs.Path::getName)
                .containsExactly("events-a-0.jsonl.gz", "events-b-1.jsonl.gz");
    }

    @Test
    void retentionDeletesEveryTenantsDaysBeforeTheFirstKept() {
        assertThat(archive.deleteBefore(LocalDate.parse("2026-11-30"))).isEqualTo(2);
        assertThat(names(archive.days(tenant -> true, LocalDate.MIN, LocalDate.MAX)))
                .containsExactlyInAnyOrder("tenant=acme/day=2026-11-30", "tenant=globex/day=2026-11-30");
        assertThat(archive.deleteBefore(LocalDate.parse("2026-11-30"))).isZero();
    }

    @Test
    void anArchivedLineReadsBackAsTheEventWritten() throws IOException {
        Event withClient = new Event("acme", "latency", 1_796_169_600_123L, 12.5, Map.of("region", "eu", "device", "ios"), "c-7");
        Event without = new Event("acme", "orders", 1_796_169_600_000L, -3, Map.of(), null);
        assertThat(EventArchive.read(EventJson.write(withClient))).isEqualTo(withClient);
        assertThat(EventArchive.read(EventJson.write(without))).isEqualTo(without);
    }

    private List<String> names(List<org.apache.flink.core.fs.Path> days) {
        return days.stream().map(day -> day.getParent().getName() + "/" + day.getName()).toList();
    }
}
