package io.pulse.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

/** devstack-logback.xml: the data folder's log is JSON lines with serving-api's fields, credentials masked. */
class DevstackLogbackTest {

    @TempDir
    Path data;

    @Test
    void writesTheLogFileAsJsonLines() throws Exception {
        Path file = data.resolve("logs/devstack.log");
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(MDC.getMDCAdapter());
        context.putProperty("pulse.log.file", file.toString());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(DevstackLogbackTest.class.getResource("/devstack-logback.xml"));
        assertThat(context.getStatusManager().getCopyOfStatusList())
                .filteredOn(status -> status.getEffectiveLevel() >= Status.WARN).isEmpty();
        try {
            Logger logger = context.getLogger("io.pulse.devstack.Example");
            MDC.put("tenant", "acme");
            try {
                logger.info("broker at amqp://pulse:hunter2@127.0.0.1:5672");
            } finally {
                MDC.remove("tenant");
            }
            logger.warn("second");
        } finally {
            context.stop();
        }

        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(2);
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        assertThat(first.get("level").asText()).isEqualTo("INFO");
        assertThat(first.get("logger").asText()).isEqualTo("io.pulse.devstack.Example");
        assertThat(first.get("message").asText()).isEqualTo("broker at amqp://pulse:****@127.0.0.1:5672");
        assertThat(first.get("tenant").asText()).isEqualTo("acme");
        assertThat(first.get("service").asText()).isEqualTo("devstack");
        assertThat(first.has("@timestamp") && first.has("thread")).isTrue();
        assertThat(new ObjectMapper().readTree(lines.get(1)).get("level").asText()).isEqualTo("WARN");
    }
}
