package io.pulse.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevstackSettingsTest {

    @TempDir
    Path folder;

    @Test
    void withoutOptionsEverythingIsEmbeddedWithTrafficOnTheUsualPortsAndDataInTheWorkingFolder() {
        DevstackSettings settings = DevstackSettings.fromArgs(new String[0], Map.of());
        assertThat(settings.configured()).isEmpty();
        assertThat(settings.traffic()).isTrue();
        assertThat(settings.fresh()).isFalse();
        assertThat(settings.port()).isEqualTo(8080);
        assertThat(settings.flinkUiPort()).isEqualTo(8081);
        assertThat(settings.dataDir()).isEqualTo(Path.of(".pulse-data").toAbsolutePath());
    }

    @Test
    void theConfigFileNamesServicesAndTheEnvironmentWinsOverIt() throws Exception {
        Path file = folder.resolve("local.properties");
        Files.writeString(file, "PULSE_JDBC_URL=jdbc:postgresql://db:5432/pulse\nPULSE_REDIS_URI=redis://file:6379\n"
                + "PULSE_AMQP_URI=\nUNRELATED=1\n");
        DevstackSettings settings = DevstackSettings.fromArgs(new String[] {"--config", file.toString(), "--fresh",
            "--no-traffic", "--port", "0", "--data-dir", folder.toString()}, Map.of("PULSE_REDIS_URI", "redis://env:6379",
                "PATH", "/bin"));
        assertThat(settings.configured()).containsExactlyInAnyOrderEntriesOf(Map.of(
                DevstackSettings.JDBC_URL, "jdbc:postgresql://db:5432/pulse", DevstackSettings.REDIS_URI, "redis://env:6379"));
        assertThat(settings.configured(DevstackSettings.AMQP_URI)).isEmpty(); // blank: embedded
        assertThat(settings.fresh()).isTrue();
        assertThat(settings.traffic()).isFalse();
        assertThat(settings.port()).isZero();
        assertThat(settings.dataDir()).isEqualTo(folder);
    }

    @Test
    void mistakesOnTheCommandLineAreNamed() {
        assertThatThrownBy(() -> DevstackSettings.fromArgs(new String[] {"fresh"}, Map.of()))
                .hasMessageContaining("unexpected argument 'fresh'");
        assertThatThrownBy(() -> DevstackSettings.fromArgs(new String[] {"--port"}, Map.of()))
                .hasMessageContaining("--port needs a value");
        assertThatThrownBy(() -> DevstackSettings.fromArgs(new String[] {"--config", folder.resolve("none").toString()}, Map.of()))
                .hasMessageContaining("does not exist");
    }
}
