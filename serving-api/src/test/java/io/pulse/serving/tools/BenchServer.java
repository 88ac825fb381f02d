package io.pulse.serving.tools;

import io.pulse.contracts.testing.IdentityProvider;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A serving-api JVM the benchmarks start from their own classpath and stop by its process. */
final class BenchServer {

    private BenchServer() {
    }

    /**
     * Starts serving-api on {@code port} over {@code jdbcUrl} with the shared identity provider; {@code env}
     * adds settings. Its output goes to {@code <tmpdir>/<logName>.log}.
     */
    static Process start(int port, String jdbcUrl, String heap, String jvmArgs, Map<String, String> env, String logName)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap));
        if (jvmArgs != null) {
            command.addAll(Arrays.asList(jvmArgs.split(" ")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.pulse.serving.Application"));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> settings = new HashMap<>(Map.of("PULSE_JDBC_URL", jdbcUrl, "MICRONAUT_SERVER_PORT", "" + port,
                "PULSE_OIDC_ISSUER", IdentityProvider.shared().issuer()));
        settings.putAll(env);
        builder.environment().putAll(settings);
        builder.redirectErrorStream(true).redirectOutput(logFile(logName).toFile());
        return builder.start();
    }

    static Path logFile(String logName) {
        return Path.of(System.getProperty("java.io.tmpdir"), logName + ".log");
    }

    /** Returns once the server on {@code port} answers HTTP; fails after two minutes. */
    static void awaitListening(int port) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.currentTimeMillis() + 120_000;
        while (true) {
            try {
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/openapi/pulse-v2.yml")).build(),
                        HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException notYet) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("the server on port " + port + " did not start; see its log in "
                            + System.getProperty("java.io.tmpdir"));
                }
                Thread.sleep(200); // polling a port that is not listening yet
            }
        }
    }

    /** Stops the server and waits for it to exit. */
    static void stop(Process server) throws InterruptedException {
        server.destroy();
        server.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
    }
}
