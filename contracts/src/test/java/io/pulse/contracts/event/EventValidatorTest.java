package io.pulse.contracts.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventValidatorTest {

    private static final long NOW = 1_700_000_000_000L;
    private final EventValidator validator = new EventValidator(EventLimits.DEFAULT);

    private static Event event(String tenant, String metric, long ts, double value, Map<String, String> dims) {
        return new Event(tenant, metric, ts, value, dims, null);
    }

    private RejectReason reasonOf(Event event) {
        return validator.validate(event, NOW).map(Rejection::reason).orElse(null);
    }

    @Test
    void acceptsAnEventAtTheLimits() {
        Map<String, String> dims = new HashMap<>();
        for (int i = 0; i < 16; i++) {
            dims.put("d" + i, "v".repeat(256));
        }
        Event event = event("t".repeat(64), "m.latency_ms-p", NOW - Duration.ofHours(24).toMillis(), -3.5, dims);
        assertThat(validator.validate(event, NOW)).isEmpty();
        assertThat(validator.validate(event("acme", "m", NOW + Duration.ofMinutes(5).toMillis(), 0, Map.of()), NOW))
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Acme", "1acme", "ac me", "acme/x", "açme"})
    void rejectsNamesOutsideThePattern(String name) {
        assertThat(reasonOf(event(name, "m", NOW, 1, Map.of()))).isEqualTo(RejectReason.INVALID_NAME);
        assertThat(reasonOf(event("acme", name, NOW, 1, Map.of()))).isEqualTo(RejectReason.INVALID_NAME);
        assertThat(reasonOf(event("acme", "m", NOW, 1, Map.of(name, "x")))).isEqualTo(RejectReason.INVALID_NAME);
    }

    @Test
    void rejectsNamesOneCharacterTooLongAndEmptyNames() {
        assertThat(reasonOf(event("t".repeat(65), "m", NOW, 1, Map.of()))).isEqualTo(RejectReason.INVALID_NAME);
        assertThat(reasonOf(event("", "m", NOW, 1, Map.of()))).isEqualTo(RejectReason.MISSING_FIELD);
    }

    @Test
    void rejectsNonFiniteValues() {
        assertThat(reasonOf(event("acme", "m", NOW, Double.NaN, Map.of()))).isEqualTo(RejectReason.INVALID_VALUE);
        assertThat(reasonOf(event("acme", "m", NOW, Double.POSITIVE_INFINITY, Map.of())))
                .isEqualTo(RejectReason.INVALID_VALUE);
    }

    @Test
    void rejectsTimestampsBeyondTheSkew() {
        long past = NOW - Duration.ofHours(24).toMillis() - 1;
        long future = NOW + Duration.ofMinutes(5).toMillis() + 1;
        assertThat(reasonOf(event("acme", "m", past, 1, Map.of()))).isEqualTo(RejectReason.TIMESTAMP_TOO_OLD);
        assertThat(reasonOf(event("acme", "m", future, 1, Map.of()))).isEqualTo(RejectReason.TIMESTAMP_IN_FUTURE);
    }

    @Test
    void rejectsTooManyOrOversizedDimensions() {
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < 17; i++) {
            many.put("d" + i, "v");
        }
        assertThat(reasonOf(event("acme", "m", NOW, 1, many))).isEqualTo(RejectReason.TOO_MANY_DIMENSIONS);
        assertThat(reasonOf(event("acme", "m", NOW, 1, Map.of("d", "v".repeat(257)))))
                .isEqualTo(RejectReason.INVALID_DIMENSION);
        assertThat(reasonOf(event("acme", "m", NOW, 1, Map.of("d", "")))).isEqualTo(RejectReason.INVALID_DIMENSION);
        assertThat(reasonOf(event("acme", "m", NOW, 1, Map.of("d", "line\nbreak"))))
                .isEqualTo(RejectReason.INVALID_DIMENSION);
    }

    @Test
    void messagesNeverEchoTheRejectedValue() {
        String payload = "<script>alert(1)</script>";
        Rejection rejection = validator.validate(event("acme", "m", NOW, 1, Map.of(payload, "x")), NOW).orElseThrow();
        assertThat(rejection.message()).doesNotContain(payload);
        assertThat(RejectReason.TIMESTAMP_TOO_OLD.code()).isEqualTo("timestamp-too-old");
    }

    @Test
    void theHandWrittenNameCheckAgreesWithThePattern() {
        java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(EventLimits.NAME_PATTERN);
        java.util.Random random = new java.util.Random(3);
        String alphabet = "abzAZ09_.-/ é\u0000";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder name = new StringBuilder();
            int length = random.nextInt(70);
            for (int j = 0; j < length; j++) {
                name.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String candidate = name.toString();
            boolean expected = !candidate.isEmpty() && candidate.length() <= 64 && pattern.matcher(candidate).matches();
            assertThat(EventLimits.DEFAULT.isValidName(candidate)).as(candidate).isEqualTo(expected);
        }
    }
}
