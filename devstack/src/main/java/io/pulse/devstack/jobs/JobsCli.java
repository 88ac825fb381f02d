package io.pulse.devstack.jobs;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./pulse jobs ...}: data engineers' command line over the jobs API (docs/jobs.md). It names the
 * API it talks to on its first line, and exits 0 when done, 1 when the API refused (an invalid spec, a
 * version conflict, no permission) and 2 on a usage error.
 */
public final class JobsCli {

    static final String USAGE = """
            usage: ./pulse jobs [--api URL] COMMAND
              validate FILE [--sample EVENTS.ndjson]   check a spec (YAML or JSON); with a sample, estimate its series and state
              submit FILE                              store FILE as its rollup's next version
              list                                     every rollup's newest version
              history NAME                             every version of a rollup
              diff NAME FROM TO                        changed fields and what an upgrade does to each operator's state
              schema                                   the JSON Schema of specs
              deployments                              which version of each rollup runs as which Flink job, and where
              plan NAME VERSION                        what deploying VERSION would do to the running job's state
              deploy NAME VERSION [--confirm]          start VERSION, or upgrade to it (stop with savepoint, start from it);
                                                       an upgrade that starts state empty or drops some needs --confirm
              savepoint NAME                           take a savepoint of the running rollup
              stop NAME                                stop the running rollup with a savepoint
              backfill NAME VERSION FROM TO            run VERSION over the raw event archive for events from FROM to TO
                                                       (dates, UTC, or instants; TO exclusive) and wait until it is written
            environment: PULSE_API (default http://127.0.0.1:8080), PULSE_TOKEN (a bearer token with jobs:read,
            and jobs:manage to submit)""";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FINAL_STATES = List.of("FINISHED", "FAILED", "CANCELED");
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() { };

    private final String api;
    private final String token;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    JobsCli(String api, String token, PrintStream out) {
        this.api = api.endsWith("/") ? api.substring(0, api.length() - 1) : api;
        this.token = token;
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out));
    }

    /** Runs one command; returns the exit status. */
    static int run(String[] arguments, Map<String, String> environment, PrintStream out) {
        List<String> args = new ArrayList<>(List.of(arguments));
        String api = environment.getOrDefault("PULSE_API", "http://127.0.0.1:8080");
        if (args.size() >= 2 && args.get(0).equals("--api")) {
            api = args.get(1);
            args = args.subList(2, args.size());
        }
        if (args.isEmpty()) {
            out.println(USAGE);
            return 2;
        }
        JobsCli cli = new JobsCli(api, environment.getOrDefault("PULSE_TOKEN", ""), out);
        out.println("API: " + cli.api);
        try {
            return switch (args.get(0)) {
                case "validate" -> args.size() == 2 ? cli.validate(Path.of(args.get(1)), null)
                        : args.size() == 4 && args.get(2).equals("--sample")
                        ? cli.validate(Path.of(args.get(1)), Path.of(args.get(3))) : usage(out);
                case "submit" -> args.size() == 2 ? cli.submit(Path.of(args.get(1))) : usage(out);
                case "list" -> args.size() == 1 ? cli.list("/v2/jobs/specs") : usage(out);
                case "history" -> args.size() == 2 ? cli.list("/v2/jobs/specs/" + encode(args.get(1)) + "/versions") : usage(out);
                case "diff" -> args.size() == 4 ? cli.diff(args.get(1), args.get(2), args.get(3)) : usage(out);
                case "schema" -> args.size() == 1 ? cli.schema() : usage(out);
                case "deployments" -> args.size() == 1 ? cli.deployments() : usage(out);
                case "plan" -> args.size() == 3 ? cli.plan(args.get(1), args.get(2)) : usage(out);
                case "deploy" -> args.size() == 3 || args.size() == 4 && args.get(3).equals("--confirm")
                        ? cli.deploy(args.get(1), Integer.parseInt(args.get(2)), args.size() == 4) : usage(out);
                case "savepoint", "stop" -> args.size() == 2 ? cli.savepoint(args.get(0), args.get(1)) : usage(out);
                case "backfill" -> args.size() == 5 ? cli.backfill(args.get(1), Integer.parseInt(args.get(2)),
                        instant(args.get(3)), instant(args.get(4))) : usage(out);
                default -> usage(out);
            };
        } catch (NumberFormatException | DateTimeParseException e) {
            return usage(out);
        } catch (IOException e) {
            out.println("error: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static int usage(PrintStream out) {
        out.println(USAGE);
        return 2;
    }

    private int validate(Path spec, Path sample) throws IOException, InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("spec", Files.readString(spec));
        if (sample != null) {
            List<Object> events = new ArrayList<>();
            for (String line : Files.readAllLines(sample)) {
                if (!line.isBlank()) {
                    events.add(JSON.readValue(line, OBJECT));
                }
            }
            body.put("sample", events);
        }
        Answer answer = send(post("/v2/jobs/validate", body));
        if (answer.status() != 200) {
            return refused(answer);
        }
        Map<String, Object> check = answer.json();
        boolean valid = Boolean.TRUE.equals(check.get("valid"));
        out.println(valid ? "valid: " + check.get("name") + " version " + check.get("version") : "invalid:");
        printErrors(check);
        if (check.get("estimate") instanceof Map<?, ?> estimate) {
            out.printf("estimate: %s series from %s of %s sampled events, about %,d bytes of window state%n",
                    estimate.get("series"), estimate.get("selectedEvents"), estimate.get("sampledEvents"),
                    ((Number) estimate.get("stateBytes")).longValue());
            for (Object warning : (List<?>) estimate.get("warnings")) {
                out.println("warning: " + warning);
            }
        }
        return valid ? 0 : 1;
    }

    private int submit(Path spec) throws IOException, InterruptedException {
        Answer answer = send(post("/v2/jobs/specs", Map.of("spec", Files.readString(spec))));
        if (answer.status() != 201) {
            return refused(answer);
        }
        Map<String, Object> stored = answer.json();
        out.println("stored: " + stored.get("name") + " version " + stored.get("version"));
        return 0;
    }

    @SuppressWarnings("unchecked")
    private int list(String path) throws IOException, InterruptedException {
        Answer answer = send(get(path));
        if (answer.status() != 200) {
            return refused(answer);
        }
        for (Map<String, Object> version : (List<Map<String, Object>>) answer.json().get("items")) {
            out.printf("%s version %s by %s at %s%n", version.get("name"), version.get("version"),
                    version.get("createdBy"), version.get("createdAt"));
        }
        return 0;
    }

    @SuppressWarnings("unchecked")
    private int diff(String name, String from, String to) throws IOException, InterruptedException {
        Answer answer = send(get("/v2/jobs/specs/" + encode(name) + "/diff?from=" + encode(from) + "&to=" + encode(to)));
        if (answer.status() != 200) {
            return refused(answer);
        }
        Map<String, Object> comparison = answer.json();
        out.println(name + ": version " + from + " → " + to);
        for (Map<String, Object> change : (List<Map<String, Object>>) comparison.get("changes")) {
            out.printf("  %s: %s → %s%n", change.get("path"), change.get("before"), change.get("after"));
        }
        printPlan((Map<String, Object>) comparison.get("plan"));
        return 0;
    }

    private int schema() throws IOException, InterruptedException {
        Answer answer = send(get("/v2/jobs/schema"));
        if (answer.status() != 200) {
            return refused(answer);
        }
        out.println(answer.body());
        return 0;
    }

    @SuppressWarnings("unchecked")
    private int deployments() throws IOException, InterruptedException {
        Answer answer = send(get("/v2/jobs/deployments"));
        if (answer.status() != 200) {
            return refused(answer);
        }
        Map<String, Object> page = answer.json();
        out.println("Flink cluster: " + (page.get("cluster") == null ? "none configured" : page.get("cluster")));
        for (Map<String, Object> deployment : (List<Map<String, Object>>) page.get("items")) {
            out.printf("%s version %s: job %s %s%s%n", deployment.get("name"), deployment.get("version"),
                    deployment.get("jobId"), deployment.get("state"),
                    deployment.get("restoredFrom") == null ? "" : ", restored from " + deployment.get("restoredFrom"));
        }
        return 0;
    }

    @SuppressWarnings("unchecked")
    private int plan(String name, String version) throws IOException, InterruptedException {
        Answer answer = send(get("/v2/jobs/deployments/" + encode(name) + "/plan?version=" + encode(version)));
        if (answer.status() != 200) {
            return refused(answer);
        }
        Map<String, Object> plan = answer.json();
        out.println("Flink cluster: " + plan.get("cluster"));
        printPlan((Map<String, Object>) plan.get("plan"));
        return 0;
    }

    @SuppressWarnings("unchecked")
    private int deploy(String name, int version, boolean confirm) throws IOException, InterruptedException {
        Answer answer = send(post("/v2/jobs/deployments/" + encode(name), Map.of("version", version, "confirm", confirm)));
        if (answer.status() != 201) {
            if (answer.status() == 409 && answer.json().get("plan") instanceof Map<?, ?> plan) {
                printPlan((Map<String, Object>) plan);
            }
            return refused(answer);
        }
        Map<String, Object> outcome = answer.json();
        Map<String, Object> deployment = (Map<String, Object>) outcome.get("deployment");
        out.println("Flink cluster: " + deployment.get("cluster"));
        printPlan((Map<String, Object>) outcome.get("plan"));
        out.printf("running: %s version %s as job %s%s%n", name, version, deployment.get("jobId"),
                outcome.get("savepoint") == null ? "" : ", restored from " + outcome.get("savepoint"));
        return 0;
    }

    private int savepoint(String command, String name) throws IOException, InterruptedException {
        Answer answer = send(post("/v2/jobs/deployments/" + encode(name) + "/" + command, Map.of()));
        if (answer.status() != 200) {
            return refused(answer);
        }
        out.println((command.equals("stop") ? "stopped with savepoint " : "savepoint ") + answer.json().get("savepoint"));
        return 0;
    }

    private int backfill(String name, int version, Instant from, Instant to) throws IOException, InterruptedException {
        Answer answer = send(post("/v2/jobs/backfills",
                Map.of("name", name, "version", version, "from", from.toString(), "to", to.toString())));
        if (answer.status() != 202) {
            return refused(answer);
        }
        Map<String, Object> job = answer.json();
        out.println("Flink cluster: " + job.get("cluster"));
        out.printf("backfill of %s version %s from %s to %s: job %s%n", name, version, from, to, job.get("jobId"));
        String state = String.valueOf(job.get("state"));
        while (!FINAL_STATES.contains(state)) {
            Thread.sleep(1_000);
            Answer polled = send(get("/v2/jobs/backfills/" + job.get("jobId")));
            if (polled.status() != 200) {
                return refused(polled);
            }
            state = String.valueOf(polled.json().get("state"));
        }
        out.println("backfill job " + job.get("jobId") + " " + state);
        return state.equals("FINISHED") ? 0 : 1;
    }

    /** A UTC date (its start) or an instant. */
    private static Instant instant(String text) {
        return text.contains("T") ? Instant.parse(text) : LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    @SuppressWarnings("unchecked")
    private void printPlan(Map<String, Object> plan) {
        if (plan == null) {
            out.println("plan: not running, so everything starts empty");
            return;
        }
        out.println("upgrade plan:");
        for (Map<String, Object> step : (List<Map<String, Object>>) plan.get("steps")) {
            out.printf("  %-22s %-13s %s%n", step.get("operator"), step.get("fate"),
                    step.get("toUid") != null ? step.get("toUid") : step.get("fromUid"));
        }
        if (Boolean.TRUE.equals(plan.get("dropsState"))) {
            out.println("  the savepoint holds state the new version does not take: it is dropped");
        }
    }

    private void printErrors(Map<String, Object> check) {
        if (check.get("errors") instanceof List<?> errors) {
            for (Object error : errors) {
                Map<?, ?> problem = (Map<?, ?>) error;
                String path = String.valueOf(problem.get("path"));
                out.printf("  %s: %s (%s)%n", path.isEmpty() ? "(spec)" : path, problem.get("message"), problem.get("kind"));
            }
        }
    }

    private int refused(Answer answer) throws IOException {
        out.println("refused (" + answer.status() + ")" + (answer.body().isBlank() ? "" : ":"));
        if (answer.body().startsWith("{")) {
            Map<String, Object> body = answer.json();
            if (body.get("detail") != null) {
                out.println("  " + body.get("detail"));
            }
            printErrors(body);
        }
        return 1;
    }

    private HttpRequest.Builder get(String path) {
        return request(path).GET();
    }

    private HttpRequest.Builder post(String path, Object body) throws IOException {
        return request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    }

    private HttpRequest.Builder request(String path) {
        // a deployment uploads the job jar, may wait for a savepoint and waits for every task to run
        return HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofMinutes(10))
                .header("Authorization", "Bearer " + token);
    }

    private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private record Answer(int status, String body) {
        Map<String, Object> json() throws IOException {
            return JSON.readValue(body, OBJECT);
        }
    }
}
