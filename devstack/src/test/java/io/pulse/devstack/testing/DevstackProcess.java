package io.pulse.devstack.testing;

import io.pulse.devstack.Devstack;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The devstack as a user runs it: its own JVM (with this JVM's flags, so the coverage agent follows it),
 * its console read line by line, its banner parsed for the addresses it printed.
 */
public final class DevstackProcess implements AutoCloseable {

    private static final Pattern ADDRESS = Pattern.compile("^  (\\S.*?)\\s{2,}(\\S+)");

    private final Process process;
    private final List<String> console = new CopyOnWriteArrayList<>();

    private DevstackProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    console.add(line);
                }
            } catch (IOException e) {
                console.add("(console closed: " + e + ")");
            }
        }, "devstack-console");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code Devstack} with {@code args}; {@code environment} replaces every PULSE_ variable of this one. */
    public static DevstackProcess start(Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Devstack.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("PULSE_"));
        builder.environment().putAll(environment);
        return new DevstackProcess(builder.start());
    }

    /** Waits for the whole banner (its last line says how to stop); fails with the console if the process ends first. */
    public void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (console.stream().noneMatch(line -> line.startsWith("  Stop "))) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the devstack did not get ready:\n" + String.join("\n", console));
            }
            Thread.sleep(100); // polls the console a reader thread fills; nothing to wait on instead
        }
    }

    /** The address the banner printed after {@code label} ("API", "Flink web UI", "PostgreSQL", ...). */
    public String address(String label) {
        return banner().stream().map(ADDRESS::matcher).filter(Matcher::find)
                .filter(match -> match.group(1).equals(label)).map(match -> match.group(2)).findFirst()
                .orElseThrow(() -> new AssertionError("no '" + label + "' in the banner:\n" + String.join("\n", console)));
    }

    /** The banner's line about {@code label}, whole. */
    public Optional<String> bannerLine(String label) {
        return banner().stream().filter(line -> line.startsWith("  " + label + " ")).findFirst();
    }

    public List<String> console() {
        return List.copyOf(console);
    }

    private List<String> banner() {
        List<String> lines = console();
        int start = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(Devstack.READY)) {
                start = i;
            }
        }
        return lines.subList(start, lines.size());
    }

    /** The rollup job's jar this build packaged (flink-jobs builds before the devstack), for deployments. */
    public static Path jobJar() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("..", "flink-jobs", "target"))) {
            return files.filter(file -> file.getFileName().toString().matches("flink-jobs-.*-job\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no job jar in flink-jobs/target: package flink-jobs first"));
        }
    }

    /** What Ctrl-C does: the shutdown hooks stop everything. Returns the exit code. */
    public int stop(Duration timeout) throws InterruptedException {
        process.toHandle().destroy(); // SIGTERM, leaving the console open (Process.destroy closes it)
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the devstack did not stop within " + timeout + ":\n" + String.join("\n", console));
        }
        return process.exitValue();
    }

    /** What kill -9 does: nothing runs after it. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
