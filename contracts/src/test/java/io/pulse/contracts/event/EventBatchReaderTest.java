package io.pulse.contracts.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventBatchReaderTest {

    private static final long NOW = 1_700_000_000_000L;
    private final EventBatchReader reader = new EventBatchReader(new EventValidator(EventLimits.DEFAULT));

    record Rejected(int index, RejectReason reason, String raw) { }

    private final List<Event> accepted = new ArrayList<>();
    private final List<Integer> acceptedIndexes = new ArrayList<>();
    private final List<Rejected> rejected = new ArrayList<>();

    private int read(String body) {
        return reader.read(body.getBytes(StandardCharsets.UTF_8), NOW, new EventBatchReader.Handler() {
            @Override
            public void accept(int index, Event event) {
                acceptedIndexes.add(index);
                accepted.add(event);
            }

            @Override
            public void reject(int index, Rejection rejection, String raw) {
                rejected.add(new Rejected(index, rejection.reason(), raw));
            }
        });
    }

    @Test
    void readsASingleEventWithAllFields() {
        int n = read("{\"tenant\":\"acme\",\"metric\":\"latency\",\"timestamp\":" + NOW
                + ",\"value\":12.5,\"dimensions\":{\"region\":\"eu\"},\"clientId\":\"c-1\",\"extra\":[1,{\"a\":2}]}");
        assertThat(n).isEqualTo(1);
        assertThat(rejected).isEmpty();
        assertThat(accepted).containsExactly(new Event("acme", "latency", NOW, 12.5, Map.of("region", "eu"), "c-1"));
    }

    @Test
    void acceptsIsoTimestamps() {
        read("{\"tenant\":\"acme\",\"metric\":\"m\",\"timestamp\":\"2023-11-14T22:13:20Z\",\"value\":1}");
        assertThat(accepted).extracting(Event::timestamp).containsExactly(NOW);
    }

    @Test
    void rejectsBadElementsWithTheirIndexAndRawTextWhileTheOthersGoThrough() {
        String good = "{\"tenant\":\"acme\",\"metric\":\"m\",\"timestamp\":" + NOW + ",\"value\":1}";
        String badValue = "{\"tenant\":\"acme\",\"metric\":\"m\",\"timestamp\":" + NOW + ",\"value\":{\"x\":[1]},\"z\":1}";
        String badDims = "{\"tenant\":\"acme\",\"metric\":\"m\",\"timestamp\":" + NOW
                + ",\"dimensions\":{\"a\":1,\"b\":\"c\"},\"value\":2}";
        String badTs = "{\"tenant\":\"acme\",\"metric\":\"m\",\"timestamp\":true,\"value\":2}";
        String missing = "{\"tenant\":\"acme\",\"timestamp\":" + NOW + ",\"value\":2}";
        String invalid = "{\"tenant\":\"ACME\",\"metric\":\"m\",\"timestamp\":" + NOW + ",\"value\":2}";
        int n = read("[" + good + "," + badValue + ",42," + badDims + "," + badTs + "," + missing + ","
                + invalid + ",[1,2]," + good + "]");

        assertThat(n).isEqualTo(9);
        assertThat(acceptedIndexes).containsExactly(0, 8);
        assertThat(rejected).containsExactly(
                new Rejected(1, RejectReason.INVALID_TYPE, badValue),
                new Rejected(2, RejectReason.INVALID_TYPE, "42"),
                new Rejected(3, RejectReason.INVALID_TYPE, badDims),
                new Rejected(4, RejectReason.INVALID_TYPE, badTs),
                new Rejected(5, RejectReason.MISSING_FIELD, missing),
                new Rejected(6, RejectReason.INVALID_NAME, invalid),
                new Rejected(7, RejectReason.INVALID_TYPE, "[1,2]"));
    }

    @Test
    void rejectsABodyThatIsNotJsonAsAWhole() {
        for (String body : List.of("{\"tenant\":", "[{\"tenant\":\"acme\"}", "", "{} {}", "not json")) {
            rejected.clear();
            assertThat(read(body)).isZero();
            assertThat(rejected).singleElement().satisfies(r -> {
                assertThat(r.index()).isEqualTo(-1);
                assertThat(r.reason()).isEqualTo(RejectReason.MALFORMED_JSON);
            });
        }
        assertThat(accepted).isEmpty();
    }

    @Test
    void rejectsAnOversizedMessage() {
        EventBatchReader small = new EventBatchReader(new EventValidator(
                new EventLimits(64, 16, 256, EventLimits.DEFAULT.maxPastSkew(), EventLimits.DEFAULT.maxFutureSkew(), 10)));
        List<RejectReason> reasons = new ArrayList<>();
        small.read("[1,2,3,4,5,6]".getBytes(StandardCharsets.UTF_8), NOW, new EventBatchReader.Handler() {
            @Override
            public void accept(int index, Event event) {
                throw new AssertionError("nothing may be accepted");
            }

            @Override
            public void reject(int index, Rejection rejection, String raw) {
                reasons.add(rejection.reason());
            }
        });
        assertThat(reasons).containsExactly(RejectReason.MESSAGE_TOO_LARGE);
    }

    @Test
    void aCallersTenantFillsMissingTenantsAndRefusesOthers() {
        List<Event> events = new ArrayList<>();
        List<RejectReason> reasons = new ArrayList<>();
        String body = "[{\"metric\":\"m\",\"timestamp\":" + NOW + ",\"value\":1},"
                + "{\"tenant\":\"acme\",\"metric\":\"m\",\"timestamp\":" + NOW + ",\"value\":2},"
                + "{\"tenant\":\"globex\",\"metric\":\"m\",\"timestamp\":" + NOW + ",\"value\":3}]";
        reader.read(body.getBytes(StandardCharsets.UTF_8), NOW, "acme", new EventBatchReader.Handler() {
            @Override
            public void accept(int index, Event event) {
                events.add(event);
            }

            @Override
            public void reject(int index, Rejection rejection, String raw) {
                reasons.add(rejection.reason());
            }
        });
        assertThat(events).extracting(Event::tenant).containsExactly("acme", "acme");
        assertThat(reasons).containsExactly(RejectReason.TENANT_MISMATCH);
    }
}
