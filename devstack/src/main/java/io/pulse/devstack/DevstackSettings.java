package io.pulse.devstack;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * What to start, from the command line, the environment and one optional config file.
 *
 * <pre>
 * --data-dir DIR            .pulse-data   everything the platform keeps: databases, broker store, checkpoints, logs
 * --fresh                                 empties the data folder first
 * --no-traffic                            no synthetic traffic
 * --events-per-second N     300           synthetic traffic's full rate (it follows a daily curve below it)
 * --port N                  8080          the API and dashboard (the next free port when taken; 0: any free port)
 * --flink-ui-port N         8081          Flink's web UI (same rule)
 * --config FILE             pulse.properties when present   service addresses, keys as below
 * --dashboard-dir DIR       dashboard/dist                  the built dashboard, served at / when it holds index.html
 * --job-jar FILE            flink-jobs/target/flink-jobs-*-job.jar   the rollup job's jar the jobs API deploys
 *                                                           specs with; without one, specs cannot be deployed
 * </pre>
 *
 * A backing service is embedded unless its address is configured, in the environment or the config file
 * (the environment wins): {@code PULSE_JDBC_URL} (with {@code PULSE_JDBC_USER}, {@code PULSE_JDBC_PASSWORD}),
 * {@code PULSE_REDIS_URI}, {@code PULSE_AMQP_URI}.
 */
public record DevstackSettings(Path dataDir, boolean fresh, boolean traffic, double eventsPerSecond, int port,
                               int flinkUiPort, Path dashboardDir, Optional<Path> jobJar,
                               Map<String, String> configured) {

    public static final String JDBC_URL = "PULSE_JDBC_URL";
    public static final String JDBC_USER = "PULSE_JDBC_USER";
    public static final String JDBC_PASSWORD = "PULSE_JDBC_PASSWORD";
    public static final String REDIS_URI = "PULSE_REDIS_URI";
    public static final String AMQP_URI = "PULSE_AMQP_URI";
    private static final String[] KEYS = {JDBC_URL, JDBC_USER, JDBC_PASSWORD, REDIS_URI, AMQP_URI};

    public static DevstackSettings fromArgs(String[] args, Map<String, String> environment) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "' (options start with --)");
            }
            boolean flag = arg.equals("--fresh") || arg.equals("--no-traffic");
            if (!flag && i + 1 == args.length) {
                throw new IllegalArgumentException(arg + " needs a value");
            }
            options.put(arg.substring(2), flag ? "true" : args[++i]);
        }
        Path configFile = Path.of(options.getOrDefault("config", "pulse.properties"));
        if (options.containsKey("config") && !Files.isRegularFile(configFile)) {
            throw new IllegalArgumentException("config file " + configFile + " does not exist");
        }
        Map<String, String> configured = new HashMap<>(readConfig(configFile));
        for (String key : KEYS) {
            Optional.ofNullable(environment.get(key)).filter(value -> !value.isBlank()).ifPresent(value -> configured.put(key, value));
        }
        return new DevstackSettings(Path.of(options.getOrDefault("data-dir", ".pulse-data")).toAbsolutePath(),
                options.containsKey("fresh"), !options.containsKey("no-traffic"),
                Double.parseDouble(options.getOrDefault("events-per-second", "300")),
                Integer.parseInt(options.getOrDefault("port", "8080")),
                Integer.parseInt(options.getOrDefault("flink-ui-port", "8081")),
                Path.of(options.getOrDefault("dashboard-dir", "dashboard/dist")).toAbsolutePath(),
                options.containsKey("job-jar") ? Optional.of(Path.of(options.get("job-jar")).toAbsolutePath()) : builtJobJar(),
                Map.copyOf(configured));
    }

    /** The job jar this checkout's build made, if any. */
    private static Optional<Path> builtJobJar() {
        Path target = Path.of("flink-jobs", "target");
        if (!Files.isDirectory(target)) {
            return Optional.empty();
        }
        try (var files = Files.list(target)) {
            return files.filter(file -> file.getFileName().toString().matches("flink-jobs-.*-job\\.jar"))
                    .map(Path::toAbsolutePath).findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Optional<String> configured(String key) {
        return Optional.ofNullable(configured.get(key));
    }

    private static Map<String, String> readConfig(Path file) {
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
        Map<String, String> values = new HashMap<>();
        for (String key : KEYS) {
            Optional.ofNullable(properties.getProperty(key)).filter(value -> !value.isBlank()).ifPresent(value -> values.put(key, value));
        }
        return values;
    }
}
