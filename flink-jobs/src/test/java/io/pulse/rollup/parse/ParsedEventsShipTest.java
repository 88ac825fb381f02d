package io.pulse.rollup.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.contracts.event.Event;
import io.pulse.contracts.event.EventBatchReader;
import io.pulse.contracts.event.EventLimits;
import io.pulse.contracts.event.EventValidator;
import io.pulse.contracts.event.Rejection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * Every event the parser accepts crosses Flink's network intact (to the archive's writers, for one):
 * Flink serializes its dimension map with Kryo, which cannot rebuild the JDK's immutable maps. An event
 * without dimensions once failed the archive writer on every restart.
 */
class ParsedEventsShipTest {

    @Test
    void eventsWithAndWithoutDimensionsSurviveFlinksSerializer() throws IOException {
        long now = 1_796_169_600_000L;
        String body = "[{\"tenant\":\"acme\",\"metric\":\"orders\",\"timestamp\":" + now + ",\"value\":1}"
                + ",{\"tenant\":\"acme\",\"metric\":\"orders\",\"timestamp\":" + now + ",\"value\":2,\"dimensions\":null}"
                + ",{\"tenant\":\"acme\",\"metric\":\"orders\",\"timestamp\":" + now + ",\"value\":3,\"dimensions\":{}}"
                + ",{\"tenant\":\"acme\",\"metric\":\"orders\",\"timestamp\":" + now + ",\"value\":4,"
                + "\"dimensions\":{\"region\":\"eu\",\"device\":\"ios\"}}]";
        List<Event> accepted = new ArrayList<>();
        new EventBatchReader(new EventValidator(EventLimits.DEFAULT)).read(body.getBytes(StandardCharsets.UTF_8), now,
                "acme", new EventBatchReader.Handler() {
                    @Override
                    public void accept(int index, Event event) {
                        accepted.add(event);
                    }

                    @Override
                    public void reject(int index, Rejection rejection, String raw) {
                        throw new AssertionError("rejected " + raw + ": " + rejection);
                    }
                });
        assertThat(accepted).hasSize(4);

        TypeSerializer<Event> serializer = TypeInformation.of(Event.class).createSerializer(new SerializerConfigImpl());
        for (Event event : accepted) {
            DataOutputSerializer out = new DataOutputSerializer(128);
            serializer.serialize(event, out);
            Event shipped = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
            assertThat(shipped).isEqualTo(event);
            assertThat(shipped.dimensions().entrySet()).containsExactlyInAnyOrderElementsOf(event.dimensions().entrySet());
            assertThat(serializer.copy(event)).isEqualTo(event);
        }
    }
}
