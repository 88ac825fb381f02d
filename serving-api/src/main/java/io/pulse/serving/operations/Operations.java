package io.pulse.serving.operations;

import io.micronaut.serde.ObjectMapper;
import io.pulse.serving.ingest.AmqpSettings;
import io.pulse.serving.operations.OperationsView.Job;
import io.pulse.serving.operations.OperationsView.Queue;
import io.pulse.serving.operations.OperationsView.Source;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the Operations view, at most once per {@code cacheMillis} however many SREs have the page open:
 * both APIs are asked at once per reading, and a source that fails or is not configured is reported as
 * such next to what the other one answered.
 */
@Singleton
public class Operations {

    private static final Logger LOG = LoggerFactory.getLogger(Operations.class);

    private final OperationsSettings settings;
    private final Clock clock;
    private final FlinkJobs flink;
    private final RabbitQueues rabbitmq;
    private OperationsView last;

    public Operations(OperationsSettings settings, AmqpSettings amqp, ObjectMapper json, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        Duration timeout = Duration.ofMillis(settings.timeoutMillis());
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.flink = blank(settings.flinkUrl()) ? null
                : new FlinkJobs(new JsonApi(http, json, settings.flinkUrl(), null, null, timeout));
        this.rabbitmq = blank(settings.rabbitmqUrl()) ? null : new RabbitQueues(new JsonApi(http, json,
                settings.rabbitmqUrl(), settings.rabbitmqUser(), settings.rabbitmqPassword(), timeout),
                settings.rabbitmqVhost(), amqp.topology());
    }

    private static boolean blank(String url) {
        return url == null || url.isBlank();
    }

    public synchronized OperationsView view() {
        Instant now = clock.instant();
        if (last != null && now.toEpochMilli() - last.readAt().toEpochMilli() < settings.cacheMillis()) {
            return last;
        }
        Answer<Job> jobs = flink == null ? Answer.missing("pulse.operations.flink-url")
                : ask("Flink's REST API", () -> flink.read(now));
        Answer<Queue> queues = rabbitmq == null ? Answer.missing("pulse.operations.rabbitmq-url")
                : ask("RabbitMQ's management API", rabbitmq::read);
        last = new OperationsView(now, jobs.source(), queues.source(), jobs.items(), queues.items());
        return last;
    }

    private interface Reading<T> {
        List<T> read() throws IOException, InterruptedException;
    }

    private record Answer<T>(List<T> items, Source source) {
        static <T> Answer<T> missing(String setting) {
            return new Answer<>(List.of(), new Source(false, "not configured (" + setting + ")"));
        }
    }

    private static <T> Answer<T> ask(String api, Reading<T> reading) {
        try {
            return new Answer<>(reading.read(), Source.ok());
        } catch (IOException | RuntimeException e) {
            LOG.warn("{} did not answer the Operations view", api, e);
            return new Answer<>(List.of(), new Source(false, api + " did not answer: " + e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer<>(List.of(), new Source(false, "interrupted"));
        }
    }
}
