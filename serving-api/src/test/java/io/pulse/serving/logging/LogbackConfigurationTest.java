package io.pulse.serving.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** serving-api's logback.xml, loaded into a context of the test's own: both formats, and what they write. */
class LogbackConfigurationTest {

    private static final String SECRET = "hunter2-" + System.nanoTime();

    /** What the configuration (with {@code PULSE_LOG_FORMAT} set to {@code format}, if given) prints for two events. */
    private static String logged(String format) throws Exception {
        // the test JVM's own logging starts first, so that what it prints is not taken for this context's
        org.slf4j.LoggerFactory.getLogger(LogbackConfigurationTest.class);
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(MDC.getMDCAdapter()); // the one MDC of the JVM, as in the real context
        try {
            if (format != null) {
                context.putProperty("PULSE_LOG_FORMAT", format);
            }
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(LogbackConfigurationTest.class.getResource("/logback.xml"));
            List<Status> problems = context.getStatusManager().getCopyOfStatusList().stream()
                    .filter(status -> status.getEffectiveLevel() >= Status.WARN).toList();
            assertThat(problems).as("logback's warnings and errors (printed at startup)").isEmpty();

            Logger logger = context.getLogger("io.pulse.serving.Example");
            MDC.put(TenantLogContext.TENANT, "acme");
            try {
                logger.info("connected to amqp://pulse:{}@rabbitmq:5672 with \"quotes\"\nand a second line", SECRET);
            } finally {
                MDC.remove(TenantLogContext.TENANT);
            }
            logger.warn("failed", new IllegalStateException("password=" + SECRET));
            logger.debug("not at the default level");
        } finally {
            context.stop();
            System.setOut(stdout);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void writesOneJsonObjectALineByDefault() throws Exception {
        String out = logged(null);
        assertThat(out).doesNotContain(SECRET).doesNotContain("not at the default level");
        List<String> lines = out.lines().toList();
        assertThat(lines).hasSize(2);
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(lines.get(0));
        assertThat(first.get("@timestamp").asText()).endsWith("Z");
        assertThat(first.get("level").asText()).isEqualTo("INFO");
        assertThat(first.get("logger").asText()).isEqualTo("io.pulse.serving.Example");
        assertThat(first.get("thread").asText()).isNotEmpty();
        assertThat(first.get("service").asText()).isEqualTo("serving-api");
        assertThat(first.get("tenant").asText()).isEqualTo("acme");
        assertThat(first.get("message").asText())
                .isEqualTo("connected to amqp://pulse:****@rabbitmq:5672 with \"quotes\"\nand a second line");
        JsonNode second = json.readTree(lines.get(1));
        assertThat(second.get("level").asText()).isEqualTo("WARN");
        assertThat(second.has("tenant")).isFalse();
        assertThat(second.get("stack_trace").asText()).contains("IllegalStateException: password=****");
    }

    @Test
    void writesLinesForHumansWhenAskedForText() throws Exception {
        String out = logged("text");
        assertThat(out).doesNotContain(SECRET).doesNotStartWith("{")
                .contains("INFO  io.pulse.serving.Example connected to amqp://pulse:****@rabbitmq:5672")
                .contains("and a second line tenant=acme")
                .contains("WARN  io.pulse.serving.Example failed\njava.lang.IllegalStateException: password=****");
    }
}
