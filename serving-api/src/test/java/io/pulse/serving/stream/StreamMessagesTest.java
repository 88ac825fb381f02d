package io.pulse.serving.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.serde.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamMessagesTest {

    private final ObjectMapper json = ObjectMapper.getDefault();

    /** The shared-points path must send exactly what serializing the frame would, for any sub a client picks. */
    @Test
    void aDeltaBuiltFromRenderedPartsIsTheSerializedFrame() throws Exception {
        Map<String, String> group = new LinkedHashMap<>();
        group.put("region", "eu \"west\"");
        group.put("host", "h\u00e9\n1");
        List<StreamMessages.Point> points = List.of(new StreamMessages.Point(group, 1_764_000_000_000L, 1.764E12, 3),
                new StreamMessages.Point(Map.of(), 1_764_000_010_000L, 0.25, 1));
        StreamId cursor = new StreamId(1_764_000_000_123L, 7);
        for (String sub : List.of("s0", "quote\" back\\slash", "tab\tline\nend", "\u00fcnic\u00f6de \u2028", "</script>")) {
            String serialized = json.writeValueAsString(new StreamMessages.Delta("delta", sub, 42, cursor.toString(), points));
            String built = StreamMessages.deltaText(json.writeValueAsString(sub), 42, cursor, json.writeValueAsString(points));
            assertThat(built).isEqualTo(serialized);
        }
    }

    @Test
    void aBatchRendersItsPointsOnceForAllItsSubscribers() {
        LiveChanges batch = new LiveChanges(List.of());
        int[] renders = {0};
        for (int subscriber = 0; subscriber < 3; subscriber++) {
            assertThat(batch.json(changes -> "[]#" + ++renders[0])).isEqualTo("[]#1");
        }
    }
}
