package io.pulse.contracts.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventJsonTest {

    private static final long NOW = 1_700_000_000_000L;

    private static List<Event> readBack(String json) {
        List<Event> events = new ArrayList<>();
        new EventBatchReader(new EventValidator(EventLimits.DEFAULT)).read(json.getBytes(StandardCharsets.UTF_8), NOW,
                new EventBatchReader.Handler() {
                    @Override
                    public void accept(int index, Event event) {
                        events.add(event);
                    }

                    @Override
                    public void reject(int index, Rejection rejection, String raw) {
                        throw new AssertionError(rejection.toString());
                    }
                });
        return events;
    }

    @Test
    void writesWhatTheReaderReadsBackUnchanged() {
        Event tricky = new Event("acme", "m", NOW, -0.25, Map.of("city", "Zürich, \"CH\"", "path", "a\\b"), "c-9");
        Event plain = new Event("acme", "m", NOW - 1, 1e-3, Map.of(), null);
        assertThat(readBack(EventJson.write(tricky))).containsExactly(tricky);
        assertThat(readBack(EventJson.writeBatch(List.of(tricky, plain)))).containsExactly(tricky, plain);
    }
}
