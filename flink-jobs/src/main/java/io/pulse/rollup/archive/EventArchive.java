package io.pulse.rollup.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pulse.contracts.event.Event;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;

/**
 * The raw event archive: every accepted event, exactly once, as gzip JSON lines under
 * {@code <directory>/tenant=<tenant>/day=<yyyy-mm-dd>/events-*.jsonl.gz} (a local folder, or any file
 * system Flink reaches, such as {@code s3://}). Part files become visible when the checkpoint that holds
 * their events completes; until then they are hidden ({@code .events-*.inprogress*}). Backfills read it.
 */
public final class EventArchive {

    public static final String PART_PREFIX = "events";
    public static final String PART_SUFFIX = ".jsonl.gz";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;

    public EventArchive(String directory) {
        this.directory = new Path(directory);
    }

    /** An archived line back to its event; lines were validated before they were archived. */
    public static Event read(String line) throws IOException {
        JsonNode node = JSON.readTree(line);
        Map<String, String> dimensions = new HashMap<>();
        node.path("dimensions").fields().forEachRemaining(d -> dimensions.put(d.getKey(), d.getValue().asText()));
        return new Event(node.path("tenant").asText(), node.path("metric").asText(), node.path("timestamp").asLong(),
                node.path("value").asDouble(), dimensions, node.hasNonNull("clientId") ? node.get("clientId").asText() : null);
    }

    public FileSink<Event> sink() {
        return FileSink.forBulkFormat(directory, new GzipJsonLines.Factory())
                .withBucketAssigner(new TenantDayBuckets())
                .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix(PART_PREFIX).withPartSuffix(PART_SUFFIX).build())
                .build();
    }

    /** The day folders of the tenants {@code tenants} accepts, from {@code first} to {@code last} (UTC days, inclusive). */
    public List<Path> days(Predicate<String> tenants, LocalDate first, LocalDate last) {
        List<Path> days = new ArrayList<>();
        for (FileStatus tenant : list(directory)) {
            String tenantName = tenant.getPath().getName();
            if (!tenant.isDir() || !tenantName.startsWith("tenant=") || !tenants.test(tenantName.substring(7))) {
                continue;
            }
            for (FileStatus day : list(tenant.getPath())) {
                String dayName = day.getPath().getName();
                if (day.isDir() && dayName.startsWith("day=")) {
                    LocalDate date = LocalDate.parse(dayName.substring(4));
                    if (!date.isBefore(first) && !date.isAfter(last)) {
                        days.add(day.getPath());
                    }
                }
            }
        }
        return days;
    }

    /**
     * The finished part files in {@code days}, in order of path: in-progress files (hidden, with a leading
     * dot) are left out, as they are not committed yet.
     */
    public static List<Path> parts(List<Path> days) {
        List<Path> parts = new ArrayList<>();
        for (Path day : days) {
            for (FileStatus file : list(day)) {
                String name = file.getPath().getName();
                if (!file.isDir() && name.startsWith(PART_PREFIX) && name.endsWith(PART_SUFFIX)) {
                    parts.add(file.getPath());
                }
            }
        }
        parts.sort(Comparator.comparing(Path::toString));
        return parts;
    }

    /** Deletes the day folders before {@code firstKept} (UTC); returns how many. */
    public int deleteBefore(LocalDate firstKept) {
        int deleted = 0;
        for (Path day : days(tenant -> true, LocalDate.MIN, firstKept.minusDays(1))) {
            try {
                day.getFileSystem().delete(day, true);
                deleted++;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + day, e);
            }
        }
        return deleted;
    }

    /** Deletes day folders older than {@code days} now and every hour after, on a daemon thread. */
    public void scheduleRetention(int days, Clock clock) {
        if (days < 1) {
            throw new IllegalArgumentException("--archive-retention-days must be at least 1 (today's folder is being written)");
        }
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "archive-retention");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleAtFixedRate(() -> deleteBefore(LocalDate.now(clock).minusDays(days - 1L)), 0, 1, TimeUnit.HOURS);
    }

    private static List<FileStatus> list(Path folder) {
        try {
            FileSystem fs = folder.getFileSystem();
            if (!fs.exists(folder)) {
                return List.of();
            }
            FileStatus[] entries = fs.listStatus(folder);
            return entries == null ? List.of() : List.of(entries);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }
}
