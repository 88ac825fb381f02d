package io.pulse.contracts.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.Map;

/** Writes events in the wire form {@link EventBatchReader} reads (for producers, replay and tests). */
public final class EventJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EventJson() {
    }

    public static String write(Event event) {
        return toString(node(event));
    }

    /** A batch: one JSON array, the form a producer should prefer. */
    public static String writeBatch(Collection<Event> events) {
        ArrayNode array = JSON.createArrayNode();
        events.forEach(event -> array.add(node(event)));
        return toString(array);
    }

    private static ObjectNode node(Event event) {
        ObjectNode node = JSON.createObjectNode()
                .put("tenant", event.tenant())
                .put("metric", event.metric())
                .put("timestamp", event.timestamp())
                .put("value", event.value());
        ObjectNode dimensions = node.putObject("dimensions");
        for (Map.Entry<String, String> dimension : event.dimensions().entrySet()) {
            dimensions.put(dimension.getKey(), dimension.getValue());
        }
        if (event.clientId() != null) {
            node.put("clientId", event.clientId());
        }
        return node;
    }

    private static String toString(Object node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }
}
