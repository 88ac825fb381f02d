package io.pulse.rollup.testing;

import io.pulse.contracts.event.Event;
import io.pulse.rollup.archive.EventArchive;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/** Reads a raw event archive as a test sees it: the committed part files only. */
public final class ArchivedEvents {

    private ArchivedEvents() {
    }

    /** Every event in the committed part files under {@code archive}, the sentinel tenant's left out. */
    public static List<Event> counted(Path archive) throws IOException {
        return all(archive).stream().filter(event -> !event.tenant().equals(DataSet.SENTINEL_TENANT)).toList();
    }

    /** Every event in the committed part files under {@code archive}. */
    public static List<Event> all(Path archive) throws IOException {
        List<Event> events = new ArrayList<>();
        if (!Files.isDirectory(archive)) {
            return events;
        }
        try (Stream<Path> files = Files.walk(archive)) {
            for (Path file : files.filter(ArchivedEvents::committedPart).toList()) {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(
                        new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
                    lines.lines().map(ArchivedEvents::read).forEach(events::add);
                }
            }
        }
        return events;
    }

    private static boolean committedPart(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith(EventArchive.PART_PREFIX) && name.endsWith(EventArchive.PART_SUFFIX);
    }

    private static Event read(String line) {
        try {
            return EventArchive.read(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
