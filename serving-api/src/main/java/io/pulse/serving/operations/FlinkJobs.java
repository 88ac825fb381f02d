package io.pulse.serving.operations;

import static io.pulse.serving.operations.JsonApi.doubleOf;
import static io.pulse.serving.operations.JsonApi.longOf;
import static io.pulse.serving.operations.JsonApi.textOf;

import io.micronaut.json.tree.JsonNode;
import io.pulse.serving.operations.OperationsView.Checkpoint;
import io.pulse.serving.operations.OperationsView.Job;
import io.pulse.serving.operations.OperationsView.Operator;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The jobs of a Flink cluster, read from its REST API (the endpoints its web UI uses). */
final class FlinkJobs {

    private static final String VERTEX_METRICS = "backPressuredTimeMsPerSecond,busyTimeMsPerSecond,"
            + "numRecordsInPerSecond,numRecordsOutPerSecond";

    private final JsonApi api;

    FlinkJobs(JsonApi api) {
        this.api = api;
    }

    /** Every job the cluster knows, newest first; details only for those running or restarting. */
    List<Job> read(Instant now) throws IOException, InterruptedException {
        List<Job> jobs = new ArrayList<>();
        for (JsonNode overview : api.get("/jobs/overview").get("jobs").values()) {
            jobs.add(job(overview, now));
        }
        jobs.sort((a, b) -> b.startedAt().compareTo(a.startedAt()));
        return jobs;
    }

    private Job job(JsonNode overview, Instant now) throws IOException, InterruptedException {
        String id = textOf(overview, "jid");
        String status = textOf(overview, "state");
        Instant started = Instant.ofEpochMilli(longOf(overview, "start-time", 0));
        boolean live = status.equals("RUNNING") || status.equals("RESTARTING") || status.equals("CREATED");
        if (!live) {
            return new Job(id, textOf(overview, "name"), status, started, 0, 0, null, 0, List.of());
        }
        JsonNode details = api.get("/jobs/" + id);
        JsonNode checkpoints = api.get("/jobs/" + id + "/checkpoints");
        long restarts = 0;
        for (JsonNode metric : api.get("/jobs/" + id + "/metrics?get=numRestarts,uptime").values()) {
            if (textOf(metric, "id").equals("numRestarts")) {
                restarts = Long.parseLong(textOf(metric, "value"));
            }
        }
        List<Operator> operators = new ArrayList<>();
        for (JsonNode vertex : details.get("vertices").values()) {
            operators.add(operator(id, vertex, now));
        }
        long uptime = status.equals("RUNNING") ? Math.max(0, longOf(details, "now", now.toEpochMilli())
                - lastTransition(details, "RUNNING")) : 0;
        return new Job(id, textOf(details, "name"), status, started, uptime, restarts, lastCheckpoint(checkpoints, now),
                longOf(checkpoints.get("counts"), "failed", 0), operators);
    }

    /** When the job last entered {@code state} (its timestamps map), so a restart resets the uptime. */
    private static long lastTransition(JsonNode details, String state) {
        JsonNode timestamps = details.get("timestamps");
        return timestamps == null ? longOf(details, "start-time", 0) : longOf(timestamps, state, longOf(details, "start-time", 0));
    }

    private static Checkpoint lastCheckpoint(JsonNode checkpoints, Instant now) {
        JsonNode latest = checkpoints.get("latest");
        JsonNode completed = latest == null ? null : latest.get("completed");
        if (completed == null || completed.isNull()) {
            return null;
        }
        long at = longOf(completed, "latest_ack_timestamp", 0);
        long size = longOf(completed, "checkpointed_size", longOf(completed, "state_size", 0));
        return new Checkpoint(longOf(completed, "id", 0), Instant.ofEpochMilli(at), Math.max(0, now.toEpochMilli() - at),
                longOf(completed, "end_to_end_duration", 0), size);
    }

    private Operator operator(String job, JsonNode vertex, Instant now) throws IOException, InterruptedException {
        String vertexId = textOf(vertex, "id");
        String path = "/jobs/" + job + "/vertices/" + vertexId;
        double backpressure = 0;
        double busy = 0;
        double in = 0;
        double out = 0;
        for (JsonNode metric : api.get(path + "/subtasks/metrics?get=" + VERTEX_METRICS + "&agg=max,sum").values()) {
            switch (textOf(metric, "id")) {
                case "backPressuredTimeMsPerSecond" -> backpressure = doubleOf(metric, "max") / 1000;
                case "busyTimeMsPerSecond" -> busy = doubleOf(metric, "max") / 1000;
                case "numRecordsInPerSecond" -> in = doubleOf(metric, "sum");
                case "numRecordsOutPerSecond" -> out = doubleOf(metric, "sum");
                default -> { }
            }
        }
        Long lowest = null;
        for (JsonNode watermark : api.get(path + "/watermarks").values()) {
            long value = (long) Double.parseDouble(textOf(watermark, "value"));
            if (value > Long.MIN_VALUE && value > 0 && (lowest == null || value < lowest)) {
                lowest = value;
            }
        }
        return new Operator(vertexId, textOf(vertex, "name"), (int) longOf(vertex, "parallelism", 1),
                textOf(vertex, "status"), backpressure, Double.isNaN(busy) ? 0 : busy, in, out,
                lowest == null ? null : Math.max(0, now.toEpochMilli() - lowest));
    }
}
