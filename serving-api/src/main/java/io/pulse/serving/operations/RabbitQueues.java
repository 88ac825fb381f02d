package io.pulse.serving.operations;

import static io.pulse.serving.operations.JsonApi.doubleOf;
import static io.pulse.serving.operations.JsonApi.longOf;
import static io.pulse.serving.operations.JsonApi.textOf;

import io.micronaut.json.tree.JsonNode;
import io.pulse.contracts.amqp.EventTopology;
import io.pulse.serving.operations.OperationsView.Queue;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The event queues of the topology, read from RabbitMQ's management API. */
final class RabbitQueues {

    private final JsonApi api;
    private final String vhost;
    private final EventTopology topology;

    RabbitQueues(JsonApi api, String vhost, EventTopology topology) {
        this.api = api;
        this.vhost = vhost;
        this.topology = topology;
    }

    List<Queue> read() throws IOException, InterruptedException {
        List<String> ours = topology.queues();
        List<Queue> queues = new ArrayList<>();
        for (JsonNode queue : api.get("/api/queues/" + URLEncoder.encode(vhost, StandardCharsets.UTF_8)).values()) {
            String name = textOf(queue, "name");
            if (!ours.contains(name)) {
                continue;
            }
            JsonNode stats = queue.get("message_stats");
            queues.add(new Queue(name, longOf(queue, "messages", 0), longOf(queue, "messages_ready", 0),
                    longOf(queue, "messages_unacknowledged", 0), rate(stats, "publish_details"),
                    rate(stats, "deliver_get_details"), (int) longOf(queue, "consumers", 0)));
        }
        queues.sort(Comparator.comparing(Queue::name));
        return queues;
    }

    private static double rate(JsonNode stats, String details) {
        JsonNode node = stats == null ? null : stats.get(details);
        return node == null ? 0 : doubleOf(node, "rate");
    }
}
