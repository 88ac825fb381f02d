package io.pulse.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import io.pulse.delivery.Chart.Environment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code helm lint --strict} accepts the chart with each environment's values: no error, no warning. Helm
 * lints with {@code fail} and {@code required} switched off, so what they refuse (a "latest" tag, a malformed
 * digest) is checked by rendering ({@link ChartValuesTest}).
 */
class HelmLintTest {

    @ParameterizedTest
    @EnumSource(Environment.class)
    void helmLintPassesStrictly(Environment environment) throws Exception {
        LintResult result = Chart.lint(environment);
        String output = String.join("\n", result.getMessages());
        assertThat(result.isFailed()).as(output).isFalse();
        assertThat(result.getMessages()).as(output)
                .noneMatch(line -> line.contains("[ERROR]") || line.contains("[WARNING]"));
    }
}
