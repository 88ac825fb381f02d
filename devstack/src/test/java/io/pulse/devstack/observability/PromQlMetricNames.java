package io.pulse.devstack.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;

/**
 * The metric names the alert rules and Grafana dashboards read, taken from their PromQL. A test holds them
 * against a real scrape, so a metric renamed in the code shows up as a name no scrape has.
 *
 * <p>The extraction is lexical, not a parser: it drops string literals, label matchers, ranges and
 * offsets, the label lists of {@code by}, {@code without}, {@code on}, {@code ignoring},
 * {@code group_left} and {@code group_right}, function names (an identifier followed by a parenthesis),
 * keywords, aggregation operators, numbers and Grafana variables; what is left are metric names. A series
 * selected only by {@code {__name__="..."}} is not seen.
 */
public final class PromQlMetricNames {

    /** The repository root: tests run from the module directory (as ContainerFilesTest). */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** The alert and recording rules: one file for docker-compose's Prometheus and the Helm chart's PrometheusRule. */
    static final Path RULES = ROOT.resolve("helm/pulse/files/prometheus");
    static final Path DASHBOARDS = ROOT.resolve("deploy/grafana/dashboards");

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern COMMENT = Pattern.compile("#[^\\n]*");
    /** Grafana's variables: $__rate_interval, $tenant, ${tenant}, ${tenant:regex}. */
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{[^}]*}|\\$\\w+");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*]");
    private static final Pattern LABEL_LIST = Pattern.compile(
            "(?<![\\w:])(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", Pattern.CASE_INSENSITIVE);
    /** Numbers and durations: 0.25, 1e-3, 0x1f, 5m, 1h30m (a name never starts with a digit). */
    private static final Pattern NUMBER = Pattern.compile("(?<![\\w:])(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?\\w*");
    private static final Pattern FUNCTION = Pattern.compile("(?<![\\w:])[a-zA-Z_][\\w]*\\s*\\(");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w:])[a-zA-Z_:][\\w:]*");
    private static final Set<String> KEYWORDS = Set.of(
            "and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right",
            "sum", "avg", "min", "max", "count", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values",
            "group", "limitk", "limit_ratio", "atan2", "inf", "nan", "start", "end");

    private PromQlMetricNames() {
    }

    /** The metric names (and recorded series) one PromQL expression reads. */
    public static Set<String> of(String expression) {
        String rest = STRING.matcher(expression).replaceAll(" ");
        rest = COMMENT.matcher(rest).replaceAll(" ");
        rest = VARIABLE.matcher(rest).replaceAll(" ");
        rest = MATCHERS.matcher(rest).replaceAll(" ");
        rest = RANGE.matcher(rest).replaceAll(" ");
        rest = LABEL_LIST.matcher(rest).replaceAll(" ");
        rest = NUMBER.matcher(rest).replaceAll(" ");
        rest = FUNCTION.matcher(rest).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher identifier = IDENTIFIER.matcher(rest);
        while (identifier.find()) {
            if (!KEYWORDS.contains(identifier.group().toLowerCase(Locale.ROOT))) {
                names.add(identifier.group());
            }
        }
        return names;
    }

    /**
     * Every metric name the dashboards and rules read from a scrape: the names in all their expressions,
     * less the series the recording rules define (whose own expressions are in the list instead).
     */
    public static Set<String> usedByDashboardsAndRules() throws IOException {
        Set<String> names = new TreeSet<>();
        for (Map<String, Object> rule : rules()) {
            names.addAll(of(String.valueOf(rule.get("expr"))));
        }
        for (String expression : dashboardExpressions()) {
            names.addAll(of(expression));
        }
        names.removeAll(recordedNames());
        return names;
    }

    /** The series the recording rules define. */
    public static Set<String> recordedNames() throws IOException {
        Set<String> recorded = new TreeSet<>();
        for (Map<String, Object> rule : rules()) {
            if (rule.containsKey("record")) {
                recorded.add((String) rule.get("record"));
            }
        }
        return recorded;
    }

    /** Every rule (recording and alerting) of every rule file, in file order. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> rules() throws IOException {
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Path file : files(RULES, ".yml")) {
            Map<String, Object> content = new Yaml().load(Files.readString(file));
            for (Map<String, Object> group : (List<Map<String, Object>>) content.get("groups")) {
                rules.addAll((List<Map<String, Object>>) group.get("rules"));
            }
        }
        return rules;
    }

    /** The expression of every target of every panel of every dashboard. */
    public static List<String> dashboardExpressions() throws IOException {
        List<String> expressions = new ArrayList<>();
        for (Path file : dashboardFiles()) {
            for (JsonNode panel : new ObjectMapper().readTree(file.toFile()).path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    expressions.add(target.path("expr").asText());
                }
            }
        }
        return expressions;
    }

    static List<Path> ruleFiles() throws IOException {
        return files(RULES, ".yml");
    }

    static List<Path> dashboardFiles() throws IOException {
        return files(DASHBOARDS, ".json");
    }

    private static List<Path> files(Path directory, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }
}
