package io.pulse.devstack.containers;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.rollup.RollupJobConfig;
import io.pulse.serving.security.SecurityHeaders;
import io.pulse.serving.webapp.DashboardBuildHeaders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * What can be checked of docker-compose.yml and the Dockerfiles without a Docker engine (the build
 * machines have none): the compose file parses, every image is pinned, every file an image copies exists,
 * health checks and dependencies agree, and what the containers are given is what the code reads.
 */
class ContainerFilesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z_]+)");
    private static final Pattern PINNED = Pattern.compile("[^:@\\s]+[:@][^\\s]*\\d[^\\s]*");

    @Test
    void everyImageAndBaseImageIsPinnedToAVersion() throws IOException {
        for (Map.Entry<String, Map<String, Object>> service : services().entrySet()) {
            Object image = service.getValue().get("image");
            if (image != null) {
                assertThat((String) image).as(service.getKey()).matches(PINNED).doesNotEndWith(":latest");
            } else {
                assertThat(dockerfile(service.getValue())).as(service.getKey() + "'s Dockerfile").isRegularFile();
                assertThat(stage(service.getValue())).as(service.getKey() + "'s build target").isNotEmpty();
            }
        }
        for (Path dockerfile : dockerfiles()) {
            List<String> bases = lines(dockerfile, "FROM ").stream().map(line -> line.split("\\s+")[1]).toList();
            assertThat(bases).as(dockerfile.toString()).isNotEmpty()
                    .allSatisfy(base -> assertThat(base).matches(PINNED).doesNotEndWith(":latest"));
        }
    }

    @Test
    void everyFileAnImageCopiesExistsInItsBuildContext() throws IOException {
        for (Map<String, Object> service : services().values()) {
            if (!service.containsKey("build")) {
                continue;
            }
            Path context = context(service);
            for (String copy : lines(dockerfile(service), "COPY ")) {
                List<String> parts = new ArrayList<>(List.of(copy.split("\\s+")));
                parts.remove(0);
                if (parts.stream().anyMatch(part -> part.startsWith("--from="))) {
                    continue; // from an earlier stage
                }
                parts.removeIf(part -> part.startsWith("--"));
                for (String source : parts.subList(0, parts.size() - 1)) {
                    assertThat(context.resolve(source)).as(copy + " in " + dockerfile(service)).exists();
                }
            }
        }
    }

    @Test
    void everyServiceIsHealthCheckedAndWaitsOnlyForHealthChecks() throws IOException {
        Map<String, Map<String, Object>> services = services();
        for (Map.Entry<String, Map<String, Object>> service : services.entrySet()) {
            if (service.getValue().containsKey("profiles")) {
                continue; // the optional traffic generator is a client, nothing waits for it
            }
            assertThat(service.getValue()).as(service.getKey()).containsKey("healthcheck");
            @SuppressWarnings("unchecked")
            Map<String, Map<String, String>> dependencies =
                    (Map<String, Map<String, String>>) service.getValue().getOrDefault("depends_on", Map.of());
            dependencies.forEach((name, condition) -> {
                assertThat(services).as(service.getKey() + " depends on").containsKey(name);
                if ("service_healthy".equals(condition.get("condition"))) {
                    assertThat(services.get(name)).as(name + ", which " + service.getKey() + " waits for").containsKey("healthcheck");
                }
            });
        }
    }

    @Test
    void theApiIsGivenOnlyVariablesItReadsOnThePortItListensOn() throws IOException {
        Map<String, Object> api = services().get("serving-api");
        String configuration = Files.readString(ROOT.resolve("serving-api/src/main/resources/application.yml"));
        @SuppressWarnings("unchecked")
        Map<String, Object> environment = (Map<String, Object>) api.get("environment");
        assertThat(environment.keySet()).allSatisfy(name ->
                assertThat(configuration).containsPattern(Pattern.quote("${" + name) + "[:}]"));
        assertThat(configuration).doesNotContainPattern("(?m)^\\s{4}port:"); // Micronaut's default, 8080
        assertThat(api.get("ports")).isEqualTo(List.of("127.0.0.1:8080:8080"));
        assertThat(stage(api)).filteredOn(line -> line.startsWith("EXPOSE ")).containsExactly("EXPOSE 8080");
        assertThat(api.get("healthcheck").toString()).contains("GET /health ");
    }

    @Test
    void theJobIsStartedWithItsOwnParameters() throws IOException {
        @SuppressWarnings("unchecked")
        List<String> command = (List<String>) services().get("flink-jobmanager").get("command");
        assertThat(command.subList(0, 3)).containsExactly("standalone-job", "--job-classname", "io.pulse.rollup.RollupJob");
        String[] arguments = command.subList(3, command.size()).stream()
                .map(argument -> argument.replace("${RABBITMQ_PASSWORD}", "secret")).toArray(String[]::new);
        RollupJobConfig config = RollupJobConfig.fromArgs(arguments);
        assertThat(config.amqpUri()).isEqualTo("amqp://pulse:secret@rabbitmq:5672");
        assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://timescaledb:5432/pulse");
        assertThat(config.redisUri()).isEqualTo("redis://redis:6379");
        assertThat(config.checkpointDir()).isEqualTo("file:///opt/flink/checkpoints");
        assertThat(arguments.length).as("every argument a name and a value").isEven();
        @SuppressWarnings("unchecked")
        Map<String, Object> environment = (Map<String, Object>) services().get("flink-jobmanager").get("environment");
        String jobConfiguration = Files.readString(ROOT.resolve("flink-jobs/src/main/java/io/pulse/rollup/RollupJobConfig.java"));
        assertThat(environment.keySet()).filteredOn(name -> name.startsWith("PULSE_"))
                .isNotEmpty().allSatisfy(name -> assertThat(jobConfiguration).contains("\"" + name + "\""));
    }

    @Test
    void everyVariableTheComposeFileReadsIsInEnvExample() throws IOException {
        Set<String> read = new TreeSet<>();
        Matcher match = VARIABLE.matcher(Files.readString(ROOT.resolve("docker-compose.yml")));
        while (match.find()) {
            read.add(match.group(1));
        }
        Set<String> listed = new TreeSet<>();
        for (String line : Files.readAllLines(ROOT.resolve(".env.example"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                listed.add(line.substring(0, line.indexOf('=')));
            }
        }
        assertThat(listed).isEqualTo(read);
    }

    @Test
    void theDashboardIsServedWithTheApisSecurityHeaders() throws IOException {
        String nginx = Files.readString(ROOT.resolve("dashboard/nginx.conf"));
        assertThat(nginx).contains("add_header Content-Security-Policy \"" + SecurityHeaders.STRICT_POLICY + "\" always;",
                "add_header X-Content-Type-Options \"nosniff\" always;", "add_header X-Frame-Options \"DENY\" always;",
                "add_header Referrer-Policy \"no-referrer\" always;");
    }

    @Test
    void theDashboardsHashedAssetsAreKeptAndItsOtherFilesRevalidatedAsTheApiServesThem() throws IOException {
        String nginx = Files.readString(ROOT.resolve("dashboard/nginx.conf"));
        assertThat(nginx).contains("~^/assets/  \"" + DashboardBuildHeaders.HASHED + "\";",
                "default     \"" + DashboardBuildHeaders.REVALIDATED + "\";", "add_header Cache-Control $cache_control;",
                "default_type " + DashboardBuildHeaders.MANIFEST_TYPE + ";", "try_files $uri /index.html;");
        // an add_header in a location would drop the server's security headers there
        String directives = nginx.replaceAll("(?m)^\\s*#.*$", "");
        assertThat(directives.substring(directives.indexOf("location "))).doesNotContain("add_header");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
        return (Map<String, Map<String, Object>>) compose.get("services");
    }

    private static Path context(Map<String, Object> service) {
        Object build = service.get("build");
        String context = build instanceof Map<?, ?> settings ? (String) settings.get("context") : (String) build;
        return ROOT.resolve(context).normalize();
    }

    private static Path dockerfile(Map<String, Object> service) {
        Object build = service.get("build");
        Object named = build instanceof Map<?, ?> settings ? settings.get("dockerfile") : null;
        return context(service).resolve(named == null ? "Dockerfile" : (String) named).normalize();
    }

    /** The lines of the stage the service's build targets (the whole file when it names none). */
    private static List<String> stage(Map<String, Object> service) throws IOException {
        List<String> lines = Files.readAllLines(dockerfile(service)).stream().map(String::strip).toList();
        Object target = service.get("build") instanceof Map<?, ?> settings ? settings.get("target") : null;
        if (target == null) {
            return lines;
        }
        List<String> stage = new ArrayList<>();
        boolean inside = false;
        for (String line : lines) {
            if (line.startsWith("FROM ")) {
                inside = line.endsWith(" AS " + target);
            }
            if (inside) {
                stage.add(line);
            }
        }
        return stage;
    }

    private static List<Path> dockerfiles() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Map<String, Object> service : services().values()) {
            if (service.containsKey("build") && !files.contains(dockerfile(service))) {
                files.add(dockerfile(service));
            }
        }
        return files;
    }

    private static List<String> lines(Path dockerfile, String instruction) throws IOException {
        return Files.readAllLines(dockerfile).stream().map(String::strip).filter(line -> line.startsWith(instruction)).toList();
    }
}
