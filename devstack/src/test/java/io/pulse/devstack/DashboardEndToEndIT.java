package io.pulse.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.devstack.testing.DevstackProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's browser tests (dashboard/e2e, playwright-core driving Debian's Chromium, headless)
 * against the devstack as the README's run command starts it, with its embedded services and the
 * dashboard's production build. They publish events through the pipeline and watch them arrive live.
 * Screenshots land in dashboard/target/e2e-artifacts (docs/screenshots keeps the latest set).
 */
class DashboardEndToEndIT {

    private static final Path DASHBOARD = Path.of("..", "dashboard").toAbsolutePath().normalize();
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));

    @TempDir
    Path data;

    @Test
    void theDashboardPassesItsBrowserTests() throws Exception {
        assertThat(DASHBOARD.resolve("dist/index.html")).as("the dashboard's build (mvn package in dashboard/)").exists();
        assertThat(CHROMIUM).as("Debian's chromium (apt-get install chromium; .ci/run installs it)").exists();
        try (DevstackProcess devstack = DevstackProcess.start(Map.of(), "--data-dir", data.toString(), "--port", "0",
                "--flink-ui-port", "0", "--events-per-second", "60", "--dashboard-dir", DASHBOARD.resolve("dist").toString(),
                "--job-jar", DevstackProcess.jobJar().toString())) {
            devstack.awaitReady(Duration.ofMinutes(3));
            String tokenLine = devstack.bannerLine("API token").orElseThrow();
            Path artifacts = Files.createDirectories(DASHBOARD.resolve("target/e2e-artifacts"));
            Path log = artifacts.resolve("e2e.log");
            int exit = run(devstack.address("Dashboard"), tokenLine.substring(tokenLine.lastIndexOf(' ') + 1), artifacts, log);
            String output = Files.readString(log);
            System.out.println(output);
            assertThat(exit).as("browser tests (output above, and in %s)", log).isZero();
        }
    }

    private static int run(String url, String tokenEndpoint, Path artifacts, Path log) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(List.of("node", "--test", "--test-force-exit", "--test-reporter=spec", "--test-concurrency=1",
                "e2e/dashboard.e2e.test.mjs"))
                .directory(DASHBOARD.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("PULSE_URL", url);
        builder.environment().put("PULSE_TOKEN_ENDPOINT", tokenEndpoint);
        builder.environment().put("E2E_ARTIFACTS", artifacts.toString());
        builder.environment().put("CHROMIUM", CHROMIUM.toString());
        Process tests = builder.start();
        if (!tests.waitFor(15, TimeUnit.MINUTES)) {
            tests.destroyForcibly();
            return -1;
        }
        return tests.exitValue();
    }
}
