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
        return readBytes(body.getBytes(StandardCharsets.UTF_8));
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

    /** UTF-16 text of ASCII is well-formed UTF-8 (with NULs); it must not be read as UTF-16 events. */
    @Test
    void aBodyInUtf16IsNotWellFormedJsonInUtf8() {
        String event = "[{\"tenant\":\"acme\",\"metric\":\"m\",\"timestamp\":" + NOW + ",\"value\":1}]";
        for (java.nio.charset.Charset utf16 : List.of(StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE)) {
            accepted.clear();
            rejected.clear();
            readBytes(event.getBytes(utf16));
            assertThat(accepted).as(utf16.name()).isEmpty();
            assertThat(rejected).extracting(Rejected::index, Rejected::reason)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(-1, RejectReason.MALFORMED_JSON));
        }
    }

    private int readBytes(byte[] body) {
        return reader.read(body, NOW, new EventBatchReader.Handler() {
            @Override
            public void accept(int index, Event event) {
                acceptedIndexes.add(index);
                accepted.add(event);
            }

            @Override
            public void reject(int index, Rejection rejection, String raw) {
                rejected.add(new Rejected(index, rejection.reason(), raw));
                details.add(rejection.message());
            }
        });
    }

    private final List<String> details = new ArrayList<>();

    private static String event(String fieldsAfterMetric) {
        return "{\"tenant\":\"acme\",\"metric\":\"m\"," + fieldsAfterMetric + "}";
    }

    /** Issue 9, case 4: a huge timestamp was a whole-message syntax error that took the good event with it. */
    @Test
    void timestampsOfAnySizeAreOneEventsRejectionAndTheOthersGoThrough() {
        String good = event("\"timestamp\":" + NOW + ",\"value\":1");
        List<String> bad = List.of(
                event("\"timestamp\":99999999999999999999,\"value\":1"),
                event("\"timestamp\":-99999999999999999999,\"value\":1"),
                event("\"timestamp\":" + "9".repeat(5_000) + ",\"value\":1"),
                event("\"timestamp\":9223372036854775807,\"value\":1"),
                event("\"timestamp\":-9223372036854775808,\"value\":1"),
                event("\"timestamp\":1.7e12,\"value\":1"),
                event("\"timestamp\":\"+1000000000-01-01T00:00:00Z\",\"value\":1"),
                event("\"timestamp\":\"" + "2".repeat(100_000) + "\",\"value\":1"));
        StringBuilder body = new StringBuilder("[").append(good);
        bad.forEach(b -> body.append(',').append(b));
        int n = read(body.append(',').append(good).append(']').toString());

        assertThat(n).isEqualTo(bad.size() + 2);
        assertThat(acceptedIndexes).containsExactly(0, bad.size() + 1);
        assertThat(rejected).extracting(Rejected::index).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(rejected).extracting(Rejected::reason).doesNotContain(RejectReason.MALFORMED_JSON);
        assertThat(details).noneMatch(d -> d.contains("99999") || d.contains("1000000000") || d.contains("22222"));
    }

    /** Issue 9, case 3: a finite value past what sums and sketches hold is rejected, not accepted. */
    @Test
    void valuesPastTheSumAndSketchLimitsAreRejectedPerEvent() {
        List<String> values = List.of("1.79e308", "-1.79e308", "1e281", "4.9e-324", "1e-300", "1e400",
                "1" + "0".repeat(500));
        StringBuilder body = new StringBuilder("[");
        for (String value : values) {
            body.append(event("\"timestamp\":" + NOW + ",\"value\":" + value)).append(',');
        }
        body.append(event("\"timestamp\":" + NOW + ",\"value\":1e280")).append(',')
                .append(event("\"timestamp\":" + NOW + ",\"value\":-1e-280")).append(',')
                .append(event("\"timestamp\":" + NOW + ",\"value\":0")).append(']');
        read(body.toString());
        assertThat(rejected).extracting(Rejected::reason).containsOnly(RejectReason.INVALID_VALUE).hasSize(values.size());
        assertThat(accepted).extracting(Event::value).containsExactly(1e280, -1e-280, 0.0);
    }

    /** Issue 9, cases 5 and 7: text that is not valid Unicode is refused, never altered. */
    @Test
    void invalidUtf8AndOverlongFormsRefuseTheMessageAndLoneSurrogatesTheEvent() {
        byte[] prefix = "{\"tenant\":\"acme\",\"metric\":\"m\",\"timestamp\":1700000000000,\"value\":1,\"dimensions\":{\"k\":\"x"
                .getBytes(StandardCharsets.UTF_8);
        byte[] suffix = "\"}}".getBytes(StandardCharsets.UTF_8);
        for (byte[] bad : List.of(new byte[] {(byte) 0xff}, new byte[] {(byte) 0xc0, (byte) 0xaf},
                new byte[] {(byte) 0xe0, (byte) 0x80, (byte) 0xaf}, new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, new byte[] {(byte) 0xc3})) {
            rejected.clear();
            byte[] body = new byte[prefix.length + bad.length + suffix.length];
            System.arraycopy(prefix, 0, body, 0, prefix.length);
            System.arraycopy(bad, 0, body, prefix.length, bad.length);
            System.arraycopy(suffix, 0, body, prefix.length + bad.length, suffix.length);
            readBytes(body);
            assertThat(rejected).singleElement().extracting(Rejected::reason).isEqualTo(RejectReason.INVALID_ENCODING);
        }
        rejected.clear();
        read("[" + event("\"timestamp\":" + NOW + ",\"value\":1,\"dimensions\":{\"k\":\"x\\ud83d\"}") + ","
                + event("\"timestamp\":" + NOW + ",\"value\":1,\"dimensions\":{\"k\":\"\\udc00x\"}") + ","
                + event("\"timestamp\":" + NOW + ",\"value\":1,\"clientId\":\"\\ud800\"") + ","
                + event("\"timestamp\":" + NOW + ",\"value\":1,\"dimensions\":{\"k\":\"x\\ud83d\\ude00\"}") + "]");
        assertThat(rejected).extracting(Rejected::reason).containsExactly(RejectReason.INVALID_ENCODING,
                RejectReason.INVALID_ENCODING, RejectReason.INVALID_ENCODING);
        assertThat(accepted).singleElement().satisfies(e -> assertThat(e.dimensions().get("k")).isEqualTo("x\ud83d\ude00"));
    }

    @Test
    void malformedJsonDetailsSayWhereNotWhat() {
        read("[{\"tenant\":\"acme\"} secret-token-123]");
        assertThat(rejected).singleElement().extracting(Rejected::reason).isEqualTo(RejectReason.MALFORMED_JSON);
        assertThat(details).singleElement().satisfies(d -> assertThat(d).contains("line 1").doesNotContain("secret"));
    }

    @Test
    void fieldsOfTheWrongTypeAreRejectedWithoutLosingTheirNeighbours() {
        String good = event("\"timestamp\":" + NOW + ",\"value\":1");
        String nested = "{\"tenant\":{\"metric\":\"x\",\"timestamp\":1},\"metric\":\"m\",\"timestamp\":" + NOW + ",\"value\":1}";
        read("[" + nested + "," + good + "]");
        assertThat(rejected).containsExactly(new Rejected(0, RejectReason.INVALID_TYPE, nested));
        assertThat(acceptedIndexes).containsExactly(1);
    }
}
