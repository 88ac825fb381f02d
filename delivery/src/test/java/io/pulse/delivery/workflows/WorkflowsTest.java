package io.pulse.delivery.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The GitHub Actions workflows in {@code .github/workflows/}: each one passes {@code action-validator} (the
 * workflow schema, offline; installed from {@code delivery/workflows/package-lock.json} by the build), the CI
 * workflows run exactly the README's test command (optionally narrowed with {@code -pl <modules> -am}),
 * every third-party action is pinned to a full commit SHA with its version in a comment, and every workflow
 * states its top-level {@code permissions:} and avoids {@code pull_request_target}.
 */
class WorkflowsTest {

    /** Tests run in delivery/: the repository is its parent. */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path WORKFLOWS = ROOT.resolve(".github/workflows");
    private static final Path VALIDATOR_DIR = ROOT.resolve("delivery/workflows");
    private static final Path VALIDATOR = VALIDATOR_DIR.resolve("node_modules/.bin/action-validator");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** owner/repo[/path]@<40 hex>, then a comment naming the version: "# v1.2.3" (or "# 0.4.0"). */
    private static final Pattern PINNED_USES = Pattern.compile(
            "^\\s*(?:-\\s+)?uses:\\s*(?<action>[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+)@(?<ref>\\S+)(?<comment>\\s+#.*)?$");
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern VERSION_COMMENT = Pattern.compile("\\s+#\\s*v?\\d+(\\.\\d+){0,2}\\b.*");

    static Stream<Path> workflows() throws IOException {
        try (Stream<Path> files = Files.list(WORKFLOWS)) {
            List<Path> list = files.filter(file -> file.toString().endsWith(".yml") || file.toString().endsWith(".yaml"))
                    .sorted().toList();
            assertThat(list).as("workflows in %s", WORKFLOWS).isNotEmpty();
            return list.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("workflows")
    void passesActionValidator(Path workflow) throws Exception {
        assertThat(VALIDATOR).as("action-validator: npm ci in delivery/workflows (the Maven build runs it)").isExecutable();
        Process process = new ProcessBuilder(VALIDATOR.toString(), workflow.toString())
                .directory(VALIDATOR_DIR.toFile())
                .redirectErrorStream(true)
                .start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("action-validator finished").isTrue();
        assertThat(process.exitValue())
                .as("action-validator %s:%n%s", ROOT.relativize(workflow), new String(output, StandardCharsets.UTF_8))
                .isZero();
    }

    /** The CI workflows, one per part of the repository; each runs the README's test command. */
    @ParameterizedTest
    @ValueSource(strings = {"backend.yml", "dashboard.yml", "helm.yml"})
    void ciWorkflowRunsTheReadmeTestCommand(String name) throws IOException {
        String command = readmeTestCommand();
        Pattern allowed = Pattern.compile(Pattern.quote(command) + "(?: -pl [A-Za-z0-9_.:,!-]+ -am)?");
        JsonNode workflow = YAML.readTree(WORKFLOWS.resolve(name).toFile());
        List<String> maven = new ArrayList<>();
        workflow.path("jobs").forEach(job -> job.path("steps").forEach(step -> {
            String run = step.path("run").asText("").strip();
            if (run.matches("(?s).*\\bmvn\\b.*")) {
                maven.add(run);
            }
        }));
        assertThat(maven).as("%s: its one Maven step", name).hasSize(1);
        assertThat(maven.get(0)).as("%s: the README's test command (%s), optionally with -pl <modules> -am", name, command)
                .matches(allowed);
    }

    @Test
    void readmeStatesItsTestCommand() throws IOException {
        assertThat(readmeTestCommand()).isEqualTo("mvn -B verify");
    }

    @ParameterizedTest
    @MethodSource("workflows")
    void thirdPartyActionsArePinnedToCommitShas(Path workflow) throws IOException {
        List<String> uses = new ArrayList<>();
        collectUses(YAML.readTree(workflow.toFile()), uses);
        List<String> unpinned = uses.stream()
                .filter(use -> !use.startsWith("./"))
                .filter(use -> !SHA.matcher(use.substring(use.indexOf('@') + 1)).matches())
                .toList();
        assertThat(unpinned).as("%s: actions not pinned to a 40-hex commit SHA", workflow.getFileName()).isEmpty();

        // and the version each SHA stands for, in a comment on the same line
        List<String> lines = Files.readAllLines(workflow);
        List<String> withoutVersion = new ArrayList<>();
        int pinned = 0;
        for (int i = 0; i < lines.size(); i++) {
            Matcher matcher = PINNED_USES.matcher(lines.get(i));
            if (matcher.matches()) {
                pinned++;
                String comment = matcher.group("comment");
                if (comment == null || !VERSION_COMMENT.matcher(comment).matches()) {
                    withoutVersion.add((i + 1) + ": " + lines.get(i).strip());
                }
            }
        }
        assertThat(pinned).as("%s: uses: lines found by the line scan", workflow.getFileName())
                .isEqualTo(uses.stream().filter(use -> !use.startsWith("./")).count());
        assertThat(withoutVersion).as("%s: pinned actions without a '# vX.Y.Z' comment", workflow.getFileName()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("workflows")
    void statesTopLevelPermissionsAndNoPullRequestTarget(Path workflow) throws IOException {
        JsonNode root = YAML.readTree(workflow.toFile());
        assertThat(root.has("permissions")).as("%s: a top-level permissions:", workflow.getFileName()).isTrue();
        JsonNode permissions = root.get("permissions");
        assertThat(permissions.isObject() && permissions.size() == 1 && "read".equals(permissions.path("contents").asText()))
                .as("%s: top-level permissions are contents: read, jobs ask for more (%s)", workflow.getFileName(), permissions)
                .isTrue();
        JsonNode on = root.path("on");
        boolean pullRequestTarget = on.isTextual() ? on.asText().equals("pull_request_target")
                : on.isArray() ? on.toString().contains("\"pull_request_target\"") : on.has("pull_request_target");
        assertThat(pullRequestTarget).as("%s: triggered by pull_request_target", workflow.getFileName()).isFalse();
    }

    /**
     * The README's test command: in its first ```bash block, the first command after the comment that starts
     * with "# test:" (the comment may go on over several lines).
     */
    static String readmeTestCommand() throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve("README.md"));
        boolean inBlock = false;
        boolean afterTestComment = false;
        for (String line : lines) {
            String trimmed = line.strip();
            if (!inBlock) {
                inBlock = trimmed.equals("```bash") || trimmed.equals("```sh") || trimmed.equals("```shell");
                continue;
            }
            if (trimmed.startsWith("```")) {
                break;
            }
            if (trimmed.startsWith("# test:")) {
                afterTestComment = true;
            } else if (afterTestComment && !trimmed.isEmpty() && !trimmed.startsWith("#")) {
                return trimmed;
            }
        }
        throw new AssertionError("README.md states no test command: a '# test:' comment, then the command, in a ```bash block");
    }

    private static void collectUses(JsonNode node, List<String> uses) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                if (field.getKey().equals("uses") && field.getValue().isTextual()) {
                    uses.add(field.getValue().asText());
                } else {
                    collectUses(field.getValue(), uses);
                }
            });
        } else if (node.isArray()) {
            node.forEach(child -> collectUses(child, uses));
        }
    }
}
