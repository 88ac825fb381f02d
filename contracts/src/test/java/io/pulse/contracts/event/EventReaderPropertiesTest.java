package io.pulse.contracts.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.Rollup;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.rollup.RollupUpdate;
import io.pulse.contracts.rollup.SeriesKey;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzes the one reader and validator with hostile bodies: numbers at and past every limit, huge and
 * malformed timestamps, lone surrogate escapes, invalid and overlong UTF-8, deep nesting, broken syntax.
 * Whatever comes in, nothing throws, every element gets exactly one outcome, and every accepted event
 * is one the aggregates, the series key and a UTF-8 store can hold unchanged.
 */
class EventReaderPropertiesTest {

    private static final long NOW = 1_700_000_000_000L;
    private final EventBatchReader reader = new EventBatchReader(new EventValidator(EventLimits.DEFAULT));

    @Property(tries = 3000)
    void everyBodyYieldsHoldableEventsOrReasonedRejections(@ForAll("bodies") byte[] body) {
        List<Event> accepted = new ArrayList<>();
        List<Integer> indexes = new ArrayList<>();
        boolean[] wholeRefused = {false};
        int elements = reader.read(body, NOW, new EventBatchReader.Handler() {
            @Override
            public void accept(int index, Event event) {
                indexes.add(index);
                accepted.add(event);
            }

            @Override
            public void reject(int index, Rejection rejection, String raw) {
                assertThat(rejection.reason()).isNotNull();
                assertThat(rejection.message()).isNotBlank();
                if (index < 0) {
                    wholeRefused[0] = true;
                } else {
                    indexes.add(index);
                }
            }
        });
        if (wholeRefused[0]) {
            assertThat(elements).isZero();
            assertThat(indexes).isEmpty();
        } else {
            assertThat(indexes).hasSize(elements).doesNotHaveDuplicates();
        }
        accepted.forEach(EventReaderPropertiesTest::assertHoldable);
    }

    private static void assertHoldable(Event event) {
        RollupAggregate aggregate = new RollupAggregate();
        aggregate.add(event.value(), event.dimensions().get("user"));
        RollupAggregate twice = aggregate.copy();
        twice.merge(RollupAggregate.fromBytes(aggregate.toBytes()));
        RollupUpdate update = RollupUpdate.of(new Rollup(SeriesKey.of(event.tenant(), event.metric(), event.dimensions()),
                Granularity.TEN_SECONDS, 0, 0, 1, twice), false);
        for (double number : new double[] {update.sum(), update.min(), update.max(), update.mean(), update.p50(),
            update.p99()}) {
            assertThat(Double.isFinite(number)).as("every published number is finite").isTrue();
        }
        assertThat(update.p50()).isCloseTo(event.value(),
                org.assertj.core.api.Assertions.within(Math.abs(event.value()) * RollupAggregate.RELATIVE_ACCURACY));
        // the series key is stored as UTF-8 text: it must come back exactly, so no two series merge
        String series = SeriesKey.of(event.tenant(), event.metric(), event.dimensions()).series();
        assertThat(strictRoundTrip(series)).isEqualTo(series);
        assertThat(SeriesKey.of(event.tenant(), event.metric(), event.dimensions()).dimensions())
                .isEqualTo(Map.copyOf(event.dimensions()));
    }

    private static String strictRoundTrip(String text) {
        try {
            ByteBuffer bytes = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(java.nio.CharBuffer.wrap(text));
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        Arbitrary<String> batch = element().list().ofMinSize(1).ofMaxSize(5)
                .map(events -> "[" + String.join(",", events) + "]");
        Arbitrary<byte[]> text = Arbitraries.oneOf(element(), batch, deepNesting(), truncated(batch))
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(text, text, text, withRawBytes(text));
    }

    private Arbitrary<String> element() {
        return Combinators.combine(timestamp(), number(), dimensionValue(), Arbitraries.of("acme", "a", "Acme", ""))
                .as((ts, value, dim, tenant) -> "{\"tenant\":\"" + tenant + "\",\"metric\":\"m\",\"timestamp\":" + ts
                        + ",\"value\":" + value + ",\"dimensions\":{\"k\":\"" + dim + "\",\"user\":\"u" + dim + "\"}}");
    }

    private Arbitrary<String> timestamp() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(NOW - 90_000_000L, NOW + 400_000L).map(Object::toString),
                Arbitraries.longs().map(Object::toString),
                Arbitraries.strings().numeric().ofMinLength(19).ofMaxLength(3_000),
                Arbitraries.of("\"2023-11-14T22:13:20Z\"", "\"+1000000000-01-01T00:00:00Z\"", "\"-999999999-01-01T00:00:00Z\"",
                        "\"2023-11-14\"", "1.7e12", "null", "true", "{}", "[]", "\"\""),
                Arbitraries.strings().ofMaxLength(80).map(s -> "\"" + escape(s) + "\""));
    }

    private Arbitrary<String> number() {
        Arbitrary<String> special = Arbitraries.of("1.7976931348623157e308", "-1.79e308", "1e280", "1.0000001e280",
                "-1e280", "1e-280", "9.9e-281", "4.9e-324", "2.2250738585072014e-308", "0", "-0", "0.0", "1e400",
                "-1e400", "1e-400", "123456789012345678901234567890", "NaN", "\"1\"", "null");
        Arbitrary<String> doubles = Arbitraries.doubles().between(-1e300, 1e300).map(Object::toString);
        Arbitrary<String> digits = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(1_000)
                .filter(s -> !s.startsWith("0") || s.length() == 1);
        Arbitrary<String> exponents = Combinators.combine(Arbitraries.integers().between(1, 9),
                Arbitraries.integers().between(-400, 400)).as((m, e) -> m + "e" + e);
        return Arbitraries.oneOf(special, doubles, digits, exponents);
    }

    private Arbitrary<String> dimensionValue() {
        Arbitrary<String> surrogates = Arbitraries.of("x\\ud83d", "\\udc00", "\\ud83d\\ude00", "x\\ud800\\ud800",
                "\\u0000", "\\u001f", "ok", "x?", "\\u00e9");
        return Arbitraries.oneOf(surrogates, Arbitraries.strings().ofMaxLength(300).map(EventReaderPropertiesTest::escape));
    }

    /** JSON string content for {@code s}: every character as an escape, lone surrogates included. */
    private static String escape(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            out.append(String.format("\\u%04x", (int) c));
        }
        return out.toString();
    }

    private Arbitrary<String> deepNesting() {
        return Arbitraries.integers().between(1, 3_000).map(depth ->
                "{\"tenant\":\"acme\",\"metric\":\"m\",\"timestamp\":" + NOW + ",\"value\":1,\"extra\":"
                        + "[".repeat(depth) + "]".repeat(depth) + "}");
    }

    private Arbitrary<String> truncated(Arbitrary<String> bodies) {
        return Combinators.combine(bodies, Arbitraries.doubles().between(0, 1))
                .as((body, cut) -> body.substring(0, (int) (body.length() * cut)));
    }

    /** Valid text with a few bytes overwritten: invalid, overlong or surrogate UTF-8 sequences among them. */
    private Arbitrary<byte[]> withRawBytes(Arbitrary<byte[]> bodies) {
        Arbitrary<byte[]> sequences = Arbitraries.of(new byte[] {(byte) 0xff}, new byte[] {(byte) 0xc0, (byte) 0xaf},
                new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, new byte[] {(byte) 0xf8, (byte) 0x88},
                new byte[] {(byte) 0xe2, (byte) 0x82}, new byte[] {(byte) 0xc3, (byte) 0xa9});
        return Combinators.combine(bodies, sequences, Arbitraries.doubles().between(0, 1)).as((body, bytes, at) -> {
            int position = (int) (body.length * at);
            byte[] out = new byte[body.length + bytes.length];
            System.arraycopy(body, 0, out, 0, position);
            System.arraycopy(bytes, 0, out, position, bytes.length);
            System.arraycopy(body, position, out, position + bytes.length, body.length - position);
            return out;
        });
    }
}
