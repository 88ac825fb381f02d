package io.pulse.contracts.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A Flink cluster through its REST API (the one its web UI and {@code flink run} use): upload a job jar,
 * run it with arguments and optionally from a savepoint, list jobs, take a savepoint, stop with a
 * savepoint, cancel. The same calls work against a standalone cluster, a session on Kubernetes and a
 * MiniCluster with its REST endpoint. Asynchronous operations are polled until done or {@code timeout}.
 */
public final class FlinkRestApi {

    /** One job as the cluster lists it. */
    public record Job(String id, String name, String state, long startTime) { }

    /** A savepoint or stop operation that failed or did not finish in time. */
    public static final class OperationFailed extends IOException {
        private static final long serialVersionUID = 1L;

        OperationFailed(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(250);

    private final String base;
    private final Duration timeout;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public FlinkRestApi(String base, Duration timeout) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.timeout = timeout;
    }

    /** Where this client sends its requests, to say which cluster a command targets. */
    public String address() {
        return base;
    }

    /** Uploads a job jar; returns the id the cluster gave it. */
    public String uploadJar(Path jar) throws IOException, InterruptedException {
        String boundary = "pulse-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(Files.readAllBytes(jar));
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        JsonNode answer = send(request("/jars/upload").header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
        String file = answer.path("filename").asText();
        return file.substring(file.lastIndexOf('/') + 1);
    }

    /**
     * Runs {@code entryClass} of an uploaded jar with {@code arguments}; from {@code savepoint} when not
     * null, then {@code allowNonRestoredState} says whether state no operator takes may be left behind.
     * Returns the job id.
     */
    public String run(String jarId, String entryClass, List<String> arguments, String savepoint,
                      boolean allowNonRestoredState) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("entryClass", entryClass);
        arguments.forEach(body.putArray("programArgsList")::add);
        if (savepoint != null) {
            body.put("savepointPath", savepoint).put("allowNonRestoredState", allowNonRestoredState);
        }
        return send(post("/jars/" + jarId + "/run", body)).path("jobid").asText();
    }

    /** Every job the cluster knows, newest first. */
    public List<Job> jobs() throws IOException, InterruptedException {
        List<Job> jobs = new ArrayList<>();
        for (JsonNode job : send(request("/jobs/overview").GET()).path("jobs")) {
            jobs.add(new Job(job.path("jid").asText(), job.path("name").asText(), job.path("state").asText(),
                    job.path("start-time").asLong()));
        }
        jobs.sort((a, b) -> Long.compare(b.startTime(), a.startTime()));
        return jobs;
    }

    public String state(String jobId) throws IOException, InterruptedException {
        return send(request("/jobs/" + jobId).GET()).path("state").asText();
    }

    /**
     * Waits until the job and every one of its tasks run (a job is RUNNING while its tasks still deploy,
     * and a savepoint then fails); fails if the job ends or fails first.
     */
    public void awaitRunning(String jobId) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode job = send(request("/jobs/" + jobId).GET());
            String state = job.path("state").asText();
            if (List.of("FAILED", "CANCELED", "FINISHED").contains(state)) {
                throw new OperationFailed("job " + jobId + " is " + state + " instead of running");
            }
            boolean allTasksRun = job.path("vertices").size() > 0;
            for (JsonNode vertex : job.path("vertices")) {
                allTasksRun &= vertex.path("status").asText().equals("RUNNING");
            }
            if (state.equals("RUNNING") && allTasksRun) {
                return;
            }
            Thread.sleep(POLL.toMillis());
        }
        throw new OperationFailed("job " + jobId + " did not run all its tasks within " + timeout);
    }

    /** Takes a savepoint into {@code directory} and leaves the job running; returns its path. */
    public String savepoint(String jobId, String directory) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("target-directory", directory).put("cancel-job", false);
        return awaitSavepoint(jobId, send(post("/jobs/" + jobId + "/savepoints", body)).path("request-id").asText());
    }

    /**
     * Stops the job with a final savepoint into {@code directory} (sources stop, the savepoint is taken,
     * sinks commit, the job finishes): the way to hand state to a new version. Returns the savepoint's path.
     */
    public String stopWithSavepoint(String jobId, String directory) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("targetDirectory", directory).put("drain", false);
        return awaitSavepoint(jobId, send(post("/jobs/" + jobId + "/stop", body)).path("request-id").asText());
    }

    public void cancel(String jobId) throws IOException, InterruptedException {
        send(request("/jobs/" + jobId + "?mode=cancel").method("PATCH", HttpRequest.BodyPublishers.noBody()));
    }

    private String awaitSavepoint(String jobId, String requestId) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = send(request("/jobs/" + jobId + "/savepoints/" + requestId).GET());
            if (status.path("status").path("id").asText().equals("COMPLETED")) {
                JsonNode operation = status.path("operation");
                if (operation.has("location")) {
                    return operation.get("location").asText();
                }
                throw new OperationFailed("the savepoint of job " + jobId + " failed: "
                        + summary(operation.path("failure-cause").path("stack-trace").asText("unknown cause")));
            }
            Thread.sleep(POLL.toMillis());
        }
        throw new OperationFailed("the savepoint of job " + jobId + " did not finish within " + timeout);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
    }

    private HttpRequest.Builder post(String path, JsonNode body) throws IOException {
        return request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    }

    private static JsonNode send(HttpClient http, HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            JsonNode errors = response.body().startsWith("{") ? JSON.readTree(response.body()).path("errors") : null;
            throw new IOException(request.method() + " " + request.uri().getPath() + " answered " + response.statusCode()
                    + (errors == null || errors.isEmpty() ? "" : ": " + summary(errors.get(0).asText())));
        }
        return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return send(http, request.build());
    }

    /** The first line of a Flink error (a stack trace) and its root cause, the line that says what went wrong. */
    private static String summary(String error) {
        String[] lines = error.split("\n");
        String root = null;
        for (String line : lines) {
            if (line.startsWith("Caused by: ")) {
                root = line.substring("Caused by: ".length());
            }
        }
        return root == null ? lines[0] : lines[0] + " (" + root + ")";
    }
}
