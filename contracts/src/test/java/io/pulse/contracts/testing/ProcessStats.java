package io.pulse.contracts.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Resident memory and CPU time of processes, from /proc, for the benchmarks' figures. */
public final class ProcessStats {

    /** Names the component a process belongs to from its pid and command name, or null to leave it out. */
    public interface Components {
        String of(long pid, String command);
    }

    private ProcessStats() {
    }

    public static long rssKiB(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(l -> l.startsWith("VmRSS")).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")))
                    .findFirst().orElse(-1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** User plus system time in ticks of 1/100 s. */
    public static long cpuTicks(long pid) {
        try {
            return ticks(Files.readString(Path.of("/proc/" + pid + "/stat")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** CPU ticks used so far by every running process, summed per component; processes of none are left out. */
    public static Map<String, Long> cpuTicksByComponent(Components components) throws IOException {
        Map<String, Long> ticks = new HashMap<>();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                String stat;
                try {
                    stat = Files.readString(process.resolve("stat"));
                } catch (IOException gone) {
                    continue;
                }
                String component = components.of(Long.parseLong(process.getFileName().toString()),
                        stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
                if (component != null) {
                    ticks.merge(component, ticks(stat), Long::sum);
                }
            }
        }
        return ticks;
    }

    /** Heap in use after a full GC of a JVM, from {@code jcmd} ({@code GC.run}, then {@code GC.heap_info}). */
    public static long heapAfterGcKiB(long pid) {
        jcmd(pid, "GC.run");
        return Arrays.stream(jcmd(pid, "GC.heap_info").split("\n")).filter(l -> l.contains("used"))
                .map(l -> l.replaceAll(".*used (\\d+)K.*", "$1")).filter(t -> t.matches("\\d+"))
                .mapToLong(Long::parseLong).findFirst().orElseThrow();
    }

    private static long ticks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static String jcmd(long pid, String command) {
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    "" + pid, command).redirectErrorStream(true).start();
            String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            jcmd.waitFor(60, TimeUnit.SECONDS);
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
