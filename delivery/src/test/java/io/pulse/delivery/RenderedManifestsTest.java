package io.pulse.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.delivery.Chart.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * k8s/<environment>/pulse.yaml is the chart rendered with that environment's values, committed for people
 * and tools that apply plain manifests. It fails when the chart or its values changed without them; with
 * PULSE_WRITE_MANIFESTS=1 it rewrites them instead (docs/deployment.md).
 */
class RenderedManifestsTest {

    @ParameterizedTest
    @EnumSource(Environment.class)
    void theCommittedManifestsAreTheChartsRendering(Environment environment) throws IOException {
        String expected = Chart.manifest(environment);
        Path file = environment.manifestFile();
        if ("1".equals(System.getenv(Chart.WRITE_MANIFESTS))) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, expected);
        }
        String regenerate = Chart.ROOT.relativize(file) + " is not the chart's current rendering ("
                + environment.describe() + "). Regenerate k8s/ and commit it: cd delivery && "
                + Chart.WRITE_MANIFESTS + "=1 mvn -B -q test -Dtest=RenderedManifestsTest";
        assertThat(file).as(regenerate).isRegularFile();
        assertThat(Files.readString(file)).as(regenerate).isEqualTo(expected);
    }
}
